package io.hivepool.redis

import java.math.BigInteger

/**
 * One decoded RESP2 or RESP3 value, as a reply of [execute] or an element of a push frame.
 *
 * RESP2's null bulk string (`$-1`) and null array (`*-1`) and RESP3's `_` all decode to [Null].
 * RESP3 attributes (`|`) are read and skipped by the decoder; they never appear as a value.
 */
public sealed interface RespValue {
    /** `+OK`: a short, non-binary status line. */
    public data class SimpleString(val value: String) : RespValue {
        override fun toString(): String = value
    }

    /** An error reply: `-ERR ...` ([SimpleError]) or RESP3's `!` ([BulkError]). */
    public sealed interface Error : RespValue {
        /** The whole error line, e.g. `WRONGTYPE Operation against a key holding the wrong kind of value`. */
        public val message: String

        /** The first word of [message], e.g. `ERR`, `WRONGTYPE`, `NOAUTH`. */
        public val code: String get() = message.substringBefore(' ')
    }

    /** `-ERR message`. */
    public data class SimpleError(override val message: String) : Error {
        override fun toString(): String = "(error) $message"
    }

    /** RESP3 `!<len>`: an error whose text may be binary or contain line breaks. */
    public data class BulkError(override val message: String) : Error {
        override fun toString(): String = "(error) $message"
    }

    /** `:42`. */
    public data class Integer(val value: Long) : RespValue {
        override fun toString(): String = value.toString()
    }

    /** `$<len>`: binary-safe bytes. Two bulk strings are equal when their bytes are. */
    public class BulkString(public val bytes: ByteArray) : RespValue {
        /** The bytes decoded as UTF-8. */
        public fun asString(): String = bytes.decodeToString()

        override fun equals(other: Any?): kotlin.Boolean = other is BulkString && bytes.contentEquals(other.bytes)
        override fun hashCode(): Int = bytes.contentHashCode()
        override fun toString(): String = "\"${asString()}\""
    }

    /** A null reply: RESP2 `$-1` / `*-1` or RESP3 `_`. */
    public data object Null : RespValue

    /** `*<n>`: an ordered list of values. */
    public data class Array(val elements: List<RespValue>) : RespValue

    /** RESP3 `%<n>`: key/value pairs in the server's order (duplicates kept, nothing hashed). */
    public data class Map(val entries: List<Pair<RespValue, RespValue>>) : RespValue

    /** RESP3 `~<n>`: an unordered collection, kept in the server's order. */
    public data class Set(val elements: List<RespValue>) : RespValue

    /** RESP3 `,`: a double, including `inf`, `-inf` and `nan`. */
    public data class Double(val value: kotlin.Double) : RespValue {
        // data-class equality uses Double.equals, so NaN == NaN here, which is what round trips need
        override fun toString(): String = value.toString()
    }

    /** RESP3 `#t` / `#f`. */
    public data class Boolean(val value: kotlin.Boolean) : RespValue {
        override fun toString(): String = value.toString()
    }

    /** RESP3 `(`: an integer outside the 64-bit range. */
    public data class BigNumber(val value: BigInteger) : RespValue {
        override fun toString(): String = value.toString()
    }

    /** RESP3 `=`: text with a three-letter [format] such as `txt` or `mkd`. */
    public data class Verbatim(val format: String, val text: String) : RespValue {
        override fun toString(): String = text
    }

    /** RESP3 `>`: out-of-band data (pub/sub messages, invalidations); routed to the push handler. */
    public data class Push(val elements: List<RespValue>) : RespValue
}
