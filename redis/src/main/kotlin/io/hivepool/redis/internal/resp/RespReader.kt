package io.hivepool.redis.internal.resp

import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisProtocolException
import io.hivepool.redis.RespValue
import io.ktor.utils.io.ByteReadChannel
import io.ktor.utils.io.readAvailable
import io.ktor.utils.io.readFully
import java.math.BigInteger
import kotlin.coroutines.cancellation.CancellationException

/**
 * Decodes RESP2/RESP3 values from [input].
 *
 * Bytes are pulled into a private buffer in chunks and parsed from there, so the reader only suspends when the
 * buffer has run dry, never once per byte. Bulk strings are read by length (binary safe); one larger than the
 * buffer is read straight into its own array. Not thread-safe: one reader coroutine owns it.
 */
internal class RespReader(
    private val input: ByteReadChannel,
    private val maxBulkLength: Int = DEFAULT_MAX_BULK_LENGTH,
    private val maxNestingDepth: Int = DEFAULT_MAX_NESTING_DEPTH,
    initialBufferSize: Int = 16 * 1024,
) {
    private var buf = ByteArray(initialBufferSize)
    private var pos = 0 // next unread byte
    private var end = 0 // one past the last buffered byte

    /**
     * Reads one complete value, skipping any RESP3 attribute in front of it.
     * Returns null when the stream ends cleanly between values.
     *
     * @throws RedisProtocolException on malformed input or a limit exceeded
     * @throws RedisConnectionException when the stream ends in the middle of a value
     */
    suspend fun read(): RespValue? {
        if (pos == end && !fill()) return null
        return readValue(depth = 0)
    }

    private suspend fun readValue(depth: Int): RespValue {
        while (true) {
            val type = readByte()
            return when (type) {
                '+'.code -> RespValue.SimpleString(readLineString())
                '-'.code -> RespValue.SimpleError(readLineString())
                ':'.code -> RespValue.Integer(readLineLong())
                '$'.code -> readLength(type).let { if (it < 0) RespValue.Null else RespValue.BulkString(readBulk(it)) }
                '*'.code -> readLength(type).let { if (it < 0) RespValue.Null else RespValue.Array(readElements(it, depth)) }
                '~'.code -> RespValue.Set(readElements(readCount(type), depth))
                '>'.code -> RespValue.Push(readElements(readCount(type), depth))
                '%'.code -> RespValue.Map(readPairs(readCount(type), depth))
                '|'.code -> {
                    // An attribute describes the value after it; it is never the reply itself.
                    readPairs(readCount(type), depth)
                    continue
                }
                '_'.code -> {
                    val line = readLineString()
                    if (line.isNotEmpty()) throw protocol("null ('_') must be followed by CRLF, got '${line.take(20)}'")
                    RespValue.Null
                }
                ','.code -> RespValue.Double(parseDouble(readLineString()))
                '#'.code -> when (val line = readLineString()) {
                    "t" -> RespValue.Boolean(true)
                    "f" -> RespValue.Boolean(false)
                    else -> throw protocol("boolean must be 't' or 'f', got '${line.take(20)}'")
                }
                '('.code -> readLineString().let { line ->
                    RespValue.BigNumber(line.toBigIntegerOrNull() ?: throw protocol("invalid big number '${line.take(40)}'"))
                }
                '='.code -> readVerbatim(readBulk(readCount(type)))
                '!'.code -> RespValue.BulkError(readBulk(readCount(type)).decodeToString())
                else -> throw protocol("unknown type byte ${describe(type)}")
            }
        }
    }

    private suspend fun readElements(count: Int, depth: Int): List<RespValue> {
        checkDepth(depth)
        val list = ArrayList<RespValue>(minOf(count, PRESIZE_LIMIT))
        repeat(count) { list.add(readValue(depth + 1)) }
        return list
    }

    private suspend fun readPairs(count: Int, depth: Int): List<Pair<RespValue, RespValue>> {
        checkDepth(depth)
        val list = ArrayList<Pair<RespValue, RespValue>>(minOf(count, PRESIZE_LIMIT))
        repeat(count) { list.add(readValue(depth + 1) to readValue(depth + 1)) }
        return list
    }

    private fun checkDepth(depth: Int) {
        if (depth + 1 > maxNestingDepth) {
            throw protocol("reply nested deeper than $maxNestingDepth levels (maxNestingDepth)")
        }
    }

    private fun readVerbatim(bytes: ByteArray): RespValue.Verbatim {
        if (bytes.size < 4 || bytes[3] != ':'.code.toByte()) {
            throw protocol("verbatim string must start with a 3-letter format and ':'")
        }
        return RespValue.Verbatim(bytes.decodeToString(0, 3), bytes.decodeToString(4, bytes.size))
    }

    /** A length that may be -1 (RESP2 null). */
    private suspend fun readLength(type: Int): Int {
        val n = readLineLong()
        if (n == -1L) return -1
        return checkLength(type, n)
    }

    /** A length or count that must not be negative. */
    private suspend fun readCount(type: Int): Int = checkLength(type, readLineLong())

    private fun checkLength(type: Int, n: Long): Int {
        if (n < 0) throw protocol("negative length $n after ${describe(type)}")
        if (n > maxBulkLength) {
            val what = if (type == '$'.code || type == '!'.code || type == '='.code) "bulk string length" else "aggregate size"
            throw protocol("$what $n exceeds the limit of $maxBulkLength (maxBulkLength)")
        }
        return n.toInt()
    }

    private suspend fun readBulk(length: Int): ByteArray {
        val out = ByteArray(length)
        val buffered = minOf(length, end - pos)
        System.arraycopy(buf, pos, out, 0, buffered)
        pos += buffered
        if (buffered < length) {
            // Larger than what is buffered: read the rest straight into its own array.
            try {
                input.readFully(out, buffered, length)
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                throw truncated(e)
            }
        }
        if (readByte() != '\r'.code || readByte() != '\n'.code) throw protocol("bulk string of $length bytes not followed by CRLF")
        return out
    }

    private suspend fun readByte(): Int {
        if (pos == end && !fill()) throw truncated(null)
        return buf[pos++].toInt() and 0xff
    }

    /** Index of the CR of the next CRLF, filling the buffer as needed; [pos] is left at the line's start. */
    private suspend fun lineEnd(): Int {
        var scanFrom = pos
        while (true) {
            for (i in scanFrom until end - 1) {
                if (buf[i] == CR) {
                    if (buf[i + 1] != LF) throw protocol("CR not followed by LF in a line")
                    return i
                }
            }
            scanFrom = maxOf(pos, end - 1)
            if (end - pos > MAX_LINE_LENGTH) throw protocol("line longer than $MAX_LINE_LENGTH bytes without CRLF")
            val shift = pos
            if (!fill()) throw truncated(null)
            scanFrom -= shift - pos
        }
    }

    private suspend fun readLineString(): String {
        val cr = lineEnd()
        val s = buf.decodeToString(pos, cr)
        pos = cr + 2
        return s
    }

    private suspend fun readLineLong(): Long {
        val cr = lineEnd()
        var i = pos
        var negative = false
        if (i < cr && (buf[i] == '-'.code.toByte() || buf[i] == '+'.code.toByte())) {
            negative = buf[i] == '-'.code.toByte()
            i++
        }
        if (i == cr || cr - i > 19) throw protocol("invalid integer '${buf.decodeToString(pos, minOf(cr, pos + 40))}'")
        var value = 0L
        while (i < cr) {
            val d = buf[i] - '0'.code.toByte()
            if (d !in 0..9) throw protocol("invalid integer '${buf.decodeToString(pos, minOf(cr, pos + 40))}'")
            value = value * 10 + d
            if (value < 0) throw protocol("integer out of range '${buf.decodeToString(pos, cr)}'")
            i++
        }
        pos = cr + 2
        return if (negative) -value else value
    }

    /**
     * Reads more bytes into the buffer, first moving the unread tail to the front (and growing the buffer when
     * it is full). Returns false at end of stream.
     */
    private suspend fun fill(): Boolean {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, end - pos)
            end -= pos
            pos = 0
        }
        if (end == buf.size) buf = buf.copyOf(buf.size * 2)
        val n = try {
            input.readAvailable(buf, end, buf.size - end)
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            throw RedisConnectionException("connection lost while reading: ${e.message ?: e::class.simpleName}", e)
        }
        if (n < 0) return false
        end += n
        return true
    }

    private fun parseDouble(s: String): Double = when (s) {
        "inf", "+inf" -> Double.POSITIVE_INFINITY
        "-inf" -> Double.NEGATIVE_INFINITY
        "nan", "-nan" -> Double.NaN
        else -> s.toDoubleOrNull()?.takeIf { s.isNotEmpty() && s[0].let { c -> c.isDigit() || c == '-' || c == '+' || c == '.' } }
            ?: throw protocol("invalid double '${s.take(40)}'")
    }

    private fun truncated(cause: Throwable?) =
        RedisConnectionException("connection closed by the server in the middle of a reply", cause)

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
        private const val CR = '\r'.code.toByte()
        private const val LF = '\n'.code.toByte()
    }
}
