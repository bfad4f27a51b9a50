package io.hivepool.redis.internal.resp

import io.hivepool.redis.RedisProtocolException
import io.hivepool.redis.RespValue

/**
 * Decodes RESP2/RESP3 values from bytes as they arrive, without suspending: the owner reads into [buffer]
 * (from [end], after [prepareForRead]), calls [advance], then [parse] until it returns null (more bytes needed).
 *
 * Resumable: an aggregate whose elements straddle two reads keeps the elements already decoded on a stack, so
 * each byte is parsed once however the reply is split. A scalar (line or bulk string) is decoded only once it is
 * wholly buffered. The buffer grows only when it is full of bytes that really arrived, so memory follows what the
 * server sent, never what a header claims (a `$500000000` header alone costs nothing). Not thread-safe: one
 * reader owns it.
 */
internal class RespParser(
    private val maxBulkLength: Int = DEFAULT_MAX_BULK_LENGTH,
    private val maxNestingDepth: Int = DEFAULT_MAX_NESTING_DEPTH,
    private val initialSize: Int = 16 * 1024,
) {
    /** Bytes read from the peer live in `buffer[pos until end]`. */
    var buffer = ByteArray(initialSize)
        private set
    private var pos = 0

    /** One past the last buffered byte: where the owner writes what it reads next. */
    var end = 0
        private set

    /** Aggregates under construction, innermost last. */
    private val stack = ArrayList<Frame>()

    /** An aggregate being decoded: [remaining] more elements to come (a map counts keys and values). */
    private class Frame(val type: Int, var remaining: Int) {
        val elements = ArrayList<RespValue>(minOf(remaining, PRESIZE_LIMIT))
    }

    /** True when nothing of a value has been read: the stream may end here cleanly. */
    val isBetweenValues: Boolean get() = pos == end && stack.isEmpty()

    /** Makes room after [end] for the next read: moves unread bytes to the front, grows only a full buffer. */
    fun prepareForRead() {
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, end - pos)
            end -= pos
            pos = 0
        }
        if (end == buffer.size) {
            buffer = buffer.copyOf(buffer.size * 2)
        } else if (end == 0 && buffer.size > KEEP_LIMIT) {
            buffer = ByteArray(initialSize) // do not keep a buffer grown for one huge reply on an idle connection
        }
    }

    /** [n] bytes were written into [buffer] at [end]. */
    fun advance(n: Int) {
        end += n
    }

    /**
     * The next complete value, skipping RESP3 attributes, or null when more bytes are needed.
     *
     * @throws RedisProtocolException on malformed input or a limit exceeded; the parser is unusable after that
     */
    fun parse(): RespValue? {
        while (true) {
            if (pos == end) return null
            val start = pos
            val type = buffer[pos].toInt() and 0xff
            var value: RespValue? = when (type) {
                '+'.code -> line()?.let { RespValue.SimpleString(text(it)) }
                '-'.code -> line()?.let { RespValue.SimpleError(text(it)) }
                ':'.code -> line()?.let { RespValue.Integer(long(it)) }
                '$'.code -> bulk(type, nullable = true)?.let { if (it === NULL_BULK) RespValue.Null else RespValue.BulkString(it) }
                '!'.code -> bulk(type, nullable = false)?.let { RespValue.BulkError(it.decodeToString()) }
                '='.code -> bulk(type, nullable = false)?.let(::verbatim)
                '_'.code -> line()?.let { cr ->
                    if (cr != start + 1) throw protocol("null ('_') must be followed by CRLF, got '${text(cr).take(20)}'")
                    RespValue.Null
                }
                ','.code -> line()?.let { RespValue.Double(parseDouble(text(it))) }
                '#'.code -> line()?.let { cr ->
                    when (val s = text(cr)) {
                        "t" -> RespValue.Boolean(true)
                        "f" -> RespValue.Boolean(false)
                        else -> throw protocol("boolean must be 't' or 'f', got '${s.take(20)}'")
                    }
                }
                '('.code -> line()?.let { cr ->
                    val s = text(cr)
                    RespValue.BigNumber(s.toBigIntegerOrNull() ?: throw protocol("invalid big number '${s.take(40)}'"))
                }
                '*'.code, '~'.code, '>'.code, '%'.code, '|'.code -> aggregateHeader(type) ?: return null
                else -> throw protocol("unknown type byte ${describe(type)}")
            }
            if (value == null) {
                pos = start // incomplete scalar: parse it again from its type byte once more bytes are in
                return null
            }
            if (value === OPENED) continue // a non-empty aggregate was pushed: its elements come next
            // Fold the finished value into the aggregates it completes.
            while (true) {
                if (value === ATTRIBUTE) break // an attribute describes the next value; it is never a value itself
                val frame = stack.lastOrNull() ?: return value
                frame.elements.add(value!!)
                if (--frame.remaining > 0) break
                stack.removeAt(stack.size - 1)
                value = build(frame)
            }
        }
    }

    /** Reads an aggregate's header; returns the empty aggregate, [OPENED] after pushing a frame, or null. */
    private fun aggregateHeader(type: Int): RespValue? {
        val cr = line() ?: return null
        val n = long(cr)
        if (n == -1L && type == '*'.code) return RespValue.Null
        val count = checkLength(type, n)
        if (stack.size + 1 > maxNestingDepth) throw protocol("reply nested deeper than $maxNestingDepth levels (maxNestingDepth)")
        val elements = if (type == '%'.code || type == '|'.code) count.toLong() * 2 else count.toLong()
        if (elements == 0L) return build(Frame(type, 0))
        if (elements > Int.MAX_VALUE) throw protocol("aggregate size $count exceeds the limit of $maxBulkLength (maxBulkLength)")
        stack.add(Frame(type, elements.toInt()))
        return OPENED
    }

    private fun build(frame: Frame): RespValue {
        val e = frame.elements
        return when (frame.type) {
            '*'.code -> RespValue.Array(e)
            '~'.code -> RespValue.Set(e)
            '>'.code -> RespValue.Push(e)
            '%'.code -> RespValue.Map(List(e.size / 2) { e[2 * it] to e[2 * it + 1] })
            else -> ATTRIBUTE
        }
    }

    /**
     * Index of the CR ending the line whose type byte is at [pos], with [pos] moved past its CRLF; or null (and
     * [pos] unchanged) when the line is not wholly buffered yet.
     */
    private fun line(): Int? {
        val from = pos + 1
        var i = from
        while (i < end) {
            if (buffer[i] == CR) {
                if (i + 1 == end) return null
                if (buffer[i + 1] != LF) throw protocol("CR not followed by LF in a line")
                lineStart = from
                pos = i + 2
                return i
            }
            i++
        }
        if (end - from > MAX_LINE_LENGTH) throw protocol("line longer than $MAX_LINE_LENGTH bytes without CRLF")
        return null
    }

    /** Start of the line [line] found last. */
    private var lineStart = 0

    private fun text(cr: Int): String = buffer.decodeToString(lineStart, cr)

    private fun long(cr: Int): Long {
        var i = lineStart
        var negative = false
        if (i < cr && (buffer[i] == MINUS || buffer[i] == PLUS)) {
            negative = buffer[i] == MINUS
            i++
        }
        if (i == cr || cr - i > 19) throw protocol("invalid integer '${buffer.decodeToString(lineStart, minOf(cr, lineStart + 40))}'")
        var value = 0L
        while (i < cr) {
            val d = buffer[i] - ZERO
            if (d !in 0..9) throw protocol("invalid integer '${buffer.decodeToString(lineStart, minOf(cr, lineStart + 40))}'")
            value = value * 10 + d
            if (value < 0) throw protocol("integer out of range '${buffer.decodeToString(lineStart, cr)}'")
            i++
        }
        return if (negative) -value else value
    }

    /** A bulk payload once wholly buffered ([NULL_BULK] for RESP2's `$-1`), or null with [pos] unchanged. */
    private fun bulk(type: Int, nullable: Boolean): ByteArray? {
        val start = pos
        val cr = line() ?: return null
        val n = long(cr)
        if (nullable && n == -1L) return NULL_BULK
        val length = checkLength(type, n)
        if (end - pos < length.toLong() + 2) {
            pos = start
            return null
        }
        val payload = buffer.copyOfRange(pos, pos + length)
        if (buffer[pos + length] != CR || buffer[pos + length + 1] != LF) throw protocol("bulk string of $length bytes not followed by CRLF")
        pos += length + 2
        return payload
    }

    private fun checkLength(type: Int, n: Long): Int {
        if (n < 0) throw protocol("negative length $n after ${describe(type)}")
        if (n > maxBulkLength) {
            val what = if (type == '$'.code || type == '!'.code || type == '='.code) "bulk string length" else "aggregate size"
            throw protocol("$what $n exceeds the limit of $maxBulkLength (maxBulkLength)")
        }
        return n.toInt()
    }

    private fun verbatim(bytes: ByteArray): RespValue.Verbatim {
        if (bytes.size < 4 || bytes[3] != ':'.code.toByte()) throw protocol("verbatim string must start with a 3-letter format and ':'")
        return RespValue.Verbatim(bytes.decodeToString(0, 3), bytes.decodeToString(4, bytes.size))
    }

    private fun parseDouble(s: String): Double = when (s) {
        "inf", "+inf" -> Double.POSITIVE_INFINITY
        "-inf" -> Double.NEGATIVE_INFINITY
        "nan", "-nan" -> Double.NaN
        else -> s.toDoubleOrNull()?.takeIf { s.isNotEmpty() && s[0].let { c -> c.isDigit() || c == '-' || c == '+' || c == '.' } }
            ?: throw protocol("invalid double '${s.take(40)}'")
    }

    private fun protocol(what: String) = RedisProtocolException("invalid RESP from server: $what")

    private fun describe(type: Int): String {
        val c = type.toChar()
        return if (c in ' '..'~') "0x%02x ('%c')".format(type, c) else "0x%02x".format(type)
    }

    companion object {
        const val DEFAULT_MAX_BULK_LENGTH = 512 * 1024 * 1024
        const val DEFAULT_MAX_NESTING_DEPTH = 64
        private const val MAX_LINE_LENGTH = 1024 * 1024
        private const val PRESIZE_LIMIT = 1024
        private const val KEEP_LIMIT = 64 * 1024
        private const val CR = '\r'.code.toByte()
        private const val LF = '\n'.code.toByte()
        private const val MINUS = '-'.code.toByte()
        private const val PLUS = '+'.code.toByte()
        private const val ZERO = '0'.code.toByte()
        private val NULL_BULK = ByteArray(0)

        /** Markers, never returned: a frame was pushed; an attribute was completed. */
        private val OPENED: RespValue = RespValue.SimpleString("<opened>")
        private val ATTRIBUTE: RespValue = RespValue.SimpleString("<attribute>")
    }
}
