package io.hivepool.redis.internal.resp

import io.hivepool.redis.RespValue
import io.ktor.utils.io.ByteWriteChannel
import io.ktor.utils.io.writeFully

/**
 * Encodes RESP into a growable byte buffer: requests as arrays of bulk strings (so no argument can inject
 * CRLF), and, for fake servers and round-trip tests, any [RespValue]. Not thread-safe: one writer owns it.
 */
internal class RespWriter(initialSize: Int = 8 * 1024) {
    /** The encoded bytes are `buf[0 until size]`. */
    var buf = ByteArray(initialSize)
        private set

    /** Number of bytes encoded since the last [clear]. */
    var size: Int = 0
        private set

    /**
     * Appends one request. Arguments: [ByteArray] as is, [String] as UTF-8, integers and floating-point numbers as
     * decimal text (infinities as `+inf`/`-inf`, which Redis understands).
     */
    fun writeCommand(args: List<Any>) {
        require(args.isNotEmpty()) { "a command needs at least its name" }
        header('*', args.size.toLong())
        for (i in args.indices) writeArg(args[i])
    }

    /** One argument as a bulk string, encoded straight into the buffer (no intermediate array for text and integers). */
    private fun writeArg(arg: Any) {
        when (arg) {
            is String -> if (isAscii(arg)) {
                header('$', arg.length.toLong())
                ensure(arg.length + 2)
                for (i in arg.indices) buf[size + i] = arg[i].code.toByte()
                size += arg.length
                crlf()
            } else {
                writeBulk(arg.encodeToByteArray())
            }
            is Int, is Long, is Short, is Byte -> {
                val n = (arg as Number).toLong()
                header('$', digits(n).toLong())
                number(n)
                crlf()
            }
            else -> writeBulk(argBytes(arg))
        }
    }

    /** Drops everything encoded after [mark] (a previous [size]): a command whose encoding failed half-way. */
    fun truncate(mark: Int) {
        size = mark
    }

    /** Appends [value] in its RESP3 form (RESP2 forms for the types RESP2 has). */
    fun writeValue(value: RespValue) {
        when (value) {
            is RespValue.SimpleString -> line('+', value.value)
            is RespValue.SimpleError -> line('-', value.message)
            is RespValue.BulkError -> { val b = value.message.encodeToByteArray(); header('!', b.size.toLong()); raw(b); crlf() }
            is RespValue.Integer -> line(':', value.value.toString())
            is RespValue.BulkString -> writeBulk(value.bytes)
            RespValue.Null -> line('_', "")
            is RespValue.Array -> { header('*', value.elements.size.toLong()); value.elements.forEach(::writeValue) }
            is RespValue.Set -> { header('~', value.elements.size.toLong()); value.elements.forEach(::writeValue) }
            is RespValue.Push -> { header('>', value.elements.size.toLong()); value.elements.forEach(::writeValue) }
            is RespValue.Map -> {
                header('%', value.entries.size.toLong())
                for ((k, v) in value.entries) { writeValue(k); writeValue(v) }
            }
            is RespValue.Double -> line(',', formatDouble(value.value))
            is RespValue.Boolean -> line('#', if (value.value) "t" else "f")
            is RespValue.BigNumber -> line('(', value.value.toString())
            is RespValue.Verbatim -> {
                val b = "${value.format}:${value.text}".encodeToByteArray()
                header('=', b.size.toLong()); raw(b); crlf()
            }
        }
    }

    /** Appends raw bytes, e.g. a hand-made malformed frame in a test. */
    fun raw(bytes: ByteArray) {
        ensure(bytes.size)
        System.arraycopy(bytes, 0, buf, size, bytes.size)
        size += bytes.size
    }

    fun toByteArray(): ByteArray = buf.copyOf(size)

    fun clear() {
        size = 0
        // Do not keep a buffer grown for one huge request alive on an idle connection.
        if (buf.size > KEEP_LIMIT) buf = ByteArray(KEEP_LIMIT)
    }

    /** Writes the encoded bytes to [output] without flushing. */
    suspend fun writeTo(output: ByteWriteChannel) {
        output.writeFully(buf, 0, size)
    }

    private fun writeBulk(bytes: ByteArray) {
        header('$', bytes.size.toLong())
        raw(bytes)
        crlf()
    }

    private fun header(type: Char, n: Long) {
        ensure(1)
        buf[size++] = type.code.toByte()
        number(n)
        crlf()
    }

    /** [n] as decimal digits, written in place. */
    private fun number(n: Long) {
        val len = digits(n)
        ensure(len)
        var v = n
        var i = size + len - 1
        if (v < 0) buf[size] = '-'.code.toByte()
        if (v == 0L) buf[i] = '0'.code.toByte()
        while (v != 0L) {
            val d = (v % 10).toInt()
            buf[i--] = ('0'.code + if (d < 0) -d else d).toByte()
            v /= 10
        }
        size += len
    }

    private fun line(type: Char, text: String) {
        ensure(1)
        buf[size++] = type.code.toByte()
        raw(text.encodeToByteArray())
        crlf()
    }

    private fun crlf() {
        ensure(2)
        buf[size++] = '\r'.code.toByte()
        buf[size++] = '\n'.code.toByte()
    }

    private fun ensure(extra: Int) {
        if (size + extra > buf.size) buf = buf.copyOf(maxOf(buf.size * 2, size + extra))
    }

    companion object {
        private const val KEEP_LIMIT = 64 * 1024

        /** [args] as one RESP request (an array of bulk strings), sized exactly. */
        fun encodeCommand(args: List<Any>): ByteArray {
            require(args.isNotEmpty()) { "a command needs at least its name" }
            val parts = Array(args.size) { argBytes(args[it]) }
            var total = 1 + digits(parts.size.toLong()) + 2
            for (p in parts) total += 1 + digits(p.size.toLong()) + 2 + p.size + 2
            val w = RespWriter(total)
            w.header('*', parts.size.toLong())
            for (p in parts) w.writeBulk(p)
            return w.buf
        }

        /** Characters of [n] in decimal, sign included. */
        private fun digits(n: Long): Int {
            if (n == Long.MIN_VALUE) return 20
            var v = if (n < 0) -n else n
            var d = 1
            while (v >= 10) {
                v /= 10
                d++
            }
            return if (n < 0) d + 1 else d
        }

        private fun isAscii(s: String): Boolean {
            for (i in s.indices) if (s[i].code >= 0x80) return false
            return true
        }

        /** The bytes Redis receives for one argument. */
        fun argBytes(arg: Any): ByteArray = when (arg) {
            is ByteArray -> arg
            is String -> arg.encodeToByteArray()
            is Int, is Long, is Short, is Byte -> arg.toString().encodeToByteArray()
            is Double -> formatArgDouble(arg).encodeToByteArray()
            is Float -> formatArgDouble(arg.toDouble()).encodeToByteArray()
            is Char -> arg.toString().encodeToByteArray()
            else -> throw IllegalArgumentException(
                "unsupported argument type ${arg::class.qualifiedName}; pass a String, ByteArray or number",
            )
        }

        private fun formatArgDouble(d: Double): String {
            require(!d.isNaN()) { "NaN cannot be sent to Redis" }
            return formatDouble(d)
        }

        fun formatDouble(d: Double): String = when {
            d.isNaN() -> "nan"
            d == Double.POSITIVE_INFINITY -> "inf"
            d == Double.NEGATIVE_INFINITY -> "-inf"
            d == Math.rint(d) && kotlin.math.abs(d) < 1e15 && !(d == 0.0 && 1.0 / d < 0) -> d.toLong().toString()
            else -> d.toString()
        }
    }
}
