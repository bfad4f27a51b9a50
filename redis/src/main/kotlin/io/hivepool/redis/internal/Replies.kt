package io.hivepool.redis.internal

import io.hivepool.redis.RedisUnexpectedReplyException
import io.hivepool.redis.RespValue
import io.hivepool.redis.ScoredMember

/**
 * Reply decoders shared by the typed commands. Each accepts both the RESP2 and the RESP3 shape of a reply
 * (RESP3 maps vs RESP2 flat arrays, RESP3 doubles vs RESP2 bulk strings, sets vs arrays).
 */
internal object Replies {
    fun unexpected(value: RespValue, expected: String): Nothing =
        throw RedisUnexpectedReplyException("expected $expected in the reply, got ${value::class.simpleName}: ${value.toString().take(100)}")

    fun stringOrNull(v: RespValue): String? = when (v) {
        is RespValue.BulkString -> v.asString()
        is RespValue.SimpleString -> v.value
        is RespValue.Verbatim -> v.text
        is RespValue.Integer -> v.value.toString()
        is RespValue.Double -> v.value.toString()
        RespValue.Null -> null
        else -> unexpected(v, "a string")
    }

    fun string(v: RespValue): String = stringOrNull(v) ?: unexpected(v, "a string")

    fun bytesOrNull(v: RespValue): ByteArray? = when (v) {
        is RespValue.BulkString -> v.bytes
        is RespValue.SimpleString -> v.value.encodeToByteArray()
        is RespValue.Verbatim -> v.text.encodeToByteArray()
        RespValue.Null -> null
        else -> unexpected(v, "bytes")
    }

    fun long(v: RespValue): Long = longOrNull(v) ?: unexpected(v, "an integer")

    fun longOrNull(v: RespValue): Long? = when (v) {
        is RespValue.Integer -> v.value
        is RespValue.BulkString -> v.asString().toLongOrNull() ?: unexpected(v, "an integer")
        is RespValue.SimpleString -> v.value.toLongOrNull() ?: unexpected(v, "an integer")
        RespValue.Null -> null
        else -> unexpected(v, "an integer")
    }

    /** `:1`/`:0` (RESP2) or `#t`/`#f` (RESP3). */
    fun boolean(v: RespValue): Boolean = when (v) {
        is RespValue.Integer -> v.value != 0L
        is RespValue.Boolean -> v.value
        else -> unexpected(v, "a boolean or integer")
    }

    /** `+OK` is true, a null (NX/XX condition not met) is false. */
    fun okOrNull(v: RespValue): Boolean = when (v) {
        is RespValue.SimpleString -> true
        RespValue.Null -> false
        else -> unexpected(v, "OK or null")
    }

    fun unit(v: RespValue) {
        if (v !is RespValue.SimpleString) unexpected(v, "OK")
    }

    /** `+OK` as Java's "no value" (a `Command<Void?>` reads well from Java and from Kotlin alike). */
    fun ok(v: RespValue): Void? {
        unit(v)
        return null
    }

    fun stringsOrNull(v: RespValue): List<String>? = if (v == RespValue.Null) null else strings(v)

    fun raw(v: RespValue): RespValue = v

    fun doubleOrNull(v: RespValue): Double? = when (v) {
        is RespValue.Double -> v.value
        is RespValue.Integer -> v.value.toDouble()
        is RespValue.BulkString, is RespValue.SimpleString -> parseDouble(string(v)) ?: unexpected(v, "a double")
        RespValue.Null -> null
        else -> unexpected(v, "a double")
    }

    fun double(v: RespValue): Double = doubleOrNull(v) ?: unexpected(v, "a double")

    private fun parseDouble(s: String): Double? = when (s.lowercase()) {
        "inf", "+inf" -> Double.POSITIVE_INFINITY
        "-inf" -> Double.NEGATIVE_INFINITY
        "nan" -> Double.NaN
        else -> s.toDoubleOrNull()
    }

    /** Elements of an array or set; a null reply is an empty list. */
    fun elements(v: RespValue): List<RespValue> = when (v) {
        is RespValue.Array -> v.elements
        is RespValue.Set -> v.elements
        is RespValue.Push -> v.elements
        RespValue.Null -> emptyList()
        else -> unexpected(v, "an array")
    }

    fun strings(v: RespValue): List<String> = elements(v).map(::string)

    fun nullableStrings(v: RespValue): List<String?> = elements(v).map(::stringOrNull)

    fun stringSet(v: RespValue): Set<String> = elements(v).mapTo(LinkedHashSet(), ::string)

    /** A RESP3 map, or a RESP2 flat array of alternating keys and values. */
    fun pairs(v: RespValue): List<Pair<RespValue, RespValue>> = when (v) {
        is RespValue.Map -> v.entries
        is RespValue.Array, is RespValue.Set, RespValue.Null -> {
            val e = elements(v)
            if (e.size % 2 != 0) unexpected(v, "an even number of elements")
            List(e.size / 2) { e[2 * it] to e[2 * it + 1] }
        }
        else -> unexpected(v, "a map")
    }

    fun stringMap(v: RespValue): Map<String, String> = pairs(v).associateTo(LinkedHashMap()) { (k, x) -> string(k) to string(x) }

    /**
     * Members with scores: RESP3 gives `[[member, score], ...]` (or a bare `[member, score]` from ZPOPMIN
     * without count), RESP2 a flat `[member, score, member, score, ...]`.
     */
    fun scored(v: RespValue): List<ScoredMember> {
        val e = elements(v)
        if (e.isEmpty()) return emptyList()
        if (e[0] is RespValue.Array) {
            return e.map { pair ->
                val p = elements(pair)
                if (p.size != 2) unexpected(pair, "a [member, score] pair")
                ScoredMember(string(p[0]), double(p[1]))
            }
        }
        if (e.size % 2 != 0) unexpected(v, "member/score pairs")
        return List(e.size / 2) { ScoredMember(string(e[2 * it]), double(e[2 * it + 1])) }
    }

    /** A SCAN-family reply: `[cursor, [items...]]`. */
    fun scanPage(v: RespValue): Pair<String, List<RespValue>> {
        val e = elements(v)
        if (e.size != 2) unexpected(v, "[cursor, items]")
        return string(e[0]) to elements(e[1])
    }
}

/**
 * The decoders of [Replies] as function values made once: a reference like `Replies::long` written in a command
 * factory is a new object on every call.
 */
internal object Decoders {
    val boolean: (RespValue) -> Boolean = Replies::boolean
    val bytesOrNull: (RespValue) -> ByteArray? = Replies::bytesOrNull
    val double: (RespValue) -> Double = Replies::double
    val doubleOrNull: (RespValue) -> Double? = Replies::doubleOrNull
    val long: (RespValue) -> Long = Replies::long
    val longOrNull: (RespValue) -> Long? = Replies::longOrNull
    val nullableStrings: (RespValue) -> List<String?> = Replies::nullableStrings
    val ok: (RespValue) -> Void? = Replies::ok
    val okOrNull: (RespValue) -> Boolean = Replies::okOrNull
    val raw: (RespValue) -> RespValue = Replies::raw
    val scored: (RespValue) -> List<ScoredMember> = Replies::scored
    val string: (RespValue) -> String = Replies::string
    val stringMap: (RespValue) -> Map<String, String> = Replies::stringMap
    val stringOrNull: (RespValue) -> String? = Replies::stringOrNull
    val stringSet: (RespValue) -> Set<String> = Replies::stringSet
    val strings: (RespValue) -> List<String> = Replies::strings
    val stringsOrNull: (RespValue) -> List<String>? = Replies::stringsOrNull
}
