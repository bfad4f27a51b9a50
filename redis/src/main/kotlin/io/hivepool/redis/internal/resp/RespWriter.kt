package io.hivepool.redis.internal.resp

import io.hivepool.redis.RespValue
import io.ktor.utils.io.ByteWriteChannel
import io.ktor.utils.io.writeFully

/**
 * Encodes RESP into a growable byte buffer: requests as arrays of bulk strings (so no argument can inject
 * CRLF), and, for fake servers and round-trip tests, any [RespValue]. Not thread-safe: one writer owns it.
 */
internal class RespWriter(initialSize: Int = 8 * 1024) {
    private var buf = ByteArray(initialSize)

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
        for (arg in args) writeBulk(argBytes(arg))
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

    private fun header(type: Char, n: Long) = line(type, n.toString())

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

        private fun digits(n: Long): Int = n.toString().length

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
