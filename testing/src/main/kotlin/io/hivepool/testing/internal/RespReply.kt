package io.hivepool.testing.internal

/** The RESP2 reply shapes the fixture needs to read. */
internal sealed interface RespReply {
    data class Simple(val text: String) : RespReply
    data class Error(val text: String) : RespReply
    data class Integer(val value: Long) : RespReply
    class Bulk(val bytes: ByteArray?) : RespReply
    data class Array(val items: List<RespReply>?) : RespReply

    /**
     * Text for tests to read: simple strings and bulk strings as they are, integers in decimal,
     * nulls as `(nil)`, arrays as their items one per line (nested arrays flattened).
     */
    fun render(): String = when (this) {
        is Simple -> text
        is Error -> text
        is Integer -> value.toString()
        is Bulk -> bytes?.toString(Charsets.UTF_8) ?: NIL
        is Array -> items?.joinToString("\n") { it.render() } ?: NIL
    }

    companion object {
        const val NIL: String = "(nil)"

        /** Reads one reply; throws on a malformed header so a broken server is not mistaken for a reply. */
        fun read(input: RespInput): RespReply {
            val line = input.readLine()
            require(line.isNotEmpty()) { "empty line where a RESP reply was expected" }
            val rest = line.substring(1)
            return when (line[0]) {
                '+' -> Simple(rest)
                '-' -> Error(rest)
                ':' -> Integer(rest.toLong())
                '$' -> rest.toInt().let { n -> Bulk(if (n < 0) null else input.readBulk(n)) }
                '*' -> rest.toInt().let { n -> Array(if (n < 0) null else List(n) { read(input) }) }
                else -> throw IllegalStateException("unexpected RESP reply line: '$line'")
            }
        }
    }
}
