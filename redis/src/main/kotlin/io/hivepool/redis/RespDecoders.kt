package io.hivepool.redis

import io.hivepool.redis.internal.Replies

/**
 * Reply decoders for commands built by hand ([Command.of], `execute(decode, args…)`), e.g.
 * `pool.execute(RespDecoders::asLong, "LLEN", "q")`. Each accepts the RESP2 and the RESP3 shape of its reply and
 * throws [RedisUnexpectedReplyException] for anything else.
 */
public object RespDecoders {
    /** A string reply (bulk, simple, verbatim, or a number as text), null for a null reply. */
    @JvmStatic
    public fun asString(reply: RespValue): String? = Replies.stringOrNull(reply)

    /** An integer reply, null for a null reply. */
    @JvmStatic
    public fun asLong(reply: RespValue): Long? = Replies.longOrNull(reply)

    /** A double reply (RESP3 double or RESP2 text), null for a null reply. */
    @JvmStatic
    public fun asDouble(reply: RespValue): Double? = Replies.doubleOrNull(reply)

    /** `:1`/`:0` or `#t`/`#f`. */
    @JvmStatic
    public fun asBoolean(reply: RespValue): Boolean = Replies.boolean(reply)

    /** An array or set of strings; a null reply is empty. */
    @JvmStatic
    public fun asStrings(reply: RespValue): List<String?> = Replies.nullableStrings(reply)

    /** A RESP3 map or a RESP2 flat array of alternating keys and values. */
    @JvmStatic
    public fun asMap(reply: RespValue): Map<String, String> = Replies.stringMap(reply)
}
