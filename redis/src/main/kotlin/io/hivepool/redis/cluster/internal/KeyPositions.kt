package io.hivepool.redis.cluster.internal

import io.hivepool.redis.internal.argText

/**
 * Where the keys of a command are, so the cluster client can route it by their slot. A static table (the same
 * first/last/step triple `COMMAND` reports) plus the commands whose keys move (`numkeys` arguments, `STREAMS`).
 * A command missing from the table is treated as keyless and sent to any primary: if it did name a key, the
 * server answers MOVED and the redirect puts it right, at the cost of one round trip.
 */
internal object KeyPositions {
    /** [first] and [last] are argument indexes (0 = the name); a negative [last] counts from the end (-1 = last). */
    private class Range(val first: Int, val last: Int, val step: Int)

    private val ranges: Map<String, Range> = HashMap<String, Range>().apply {
        fun put(r: Range, vararg names: String) = names.forEach { put(it, r) }
        put(
            Range(1, 1, 1),
            "GET", "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "GETEX", "APPEND", "STRLEN", "INCR", "DECR",
            "INCRBY", "DECRBY", "INCRBYFLOAT", "GETRANGE", "SETRANGE", "GETBIT", "SETBIT", "BITCOUNT", "BITPOS",
            "BITFIELD", "BITFIELD_RO", "LCS", "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "EXPIRETIME", "PEXPIRETIME",
            "TTL", "PTTL", "PERSIST", "TYPE", "DUMP", "RESTORE", "HSET", "HSETNX", "HGET", "HMGET", "HMSET", "HDEL",
            "HLEN", "HEXISTS", "HGETALL", "HKEYS", "HVALS", "HINCRBY", "HINCRBYFLOAT", "HSTRLEN", "HRANDFIELD", "HSCAN",
            "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LLEN", "LRANGE", "LINDEX", "LSET", "LREM", "LTRIM",
            "LINSERT", "LPOS", "SADD", "SREM", "SCARD", "SISMEMBER", "SMISMEMBER", "SMEMBERS", "SPOP", "SRANDMEMBER",
            "SSCAN", "ZADD", "ZREM", "ZCARD", "ZCOUNT", "ZINCRBY", "ZSCORE", "ZMSCORE", "ZRANK", "ZREVRANK", "ZRANGE",
            "ZREVRANGE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZPOPMIN",
            "ZPOPMAX", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREMRANGEBYLEX", "ZRANDMEMBER", "ZSCAN", "PFADD", "XADD",
            "XLEN", "XRANGE", "XREVRANGE", "XDEL", "XTRIM", "XACK", "XCLAIM", "XAUTOCLAIM", "XPENDING", "XSETID",
            "GEOADD", "GEODIST", "GEOHASH", "GEOPOS", "GEOSEARCH", "GEORADIUS_RO", "GEORADIUSBYMEMBER_RO", "SORT_RO",
        )
        put(
            Range(1, -1, 1),
            "DEL", "UNLINK", "EXISTS", "MGET", "TOUCH", "SINTER", "SUNION", "SDIFF", "SINTERSTORE", "SUNIONSTORE",
            "SDIFFSTORE", "PFCOUNT", "PFMERGE", "WATCH",
        )
        put(Range(1, -1, 2), "MSET", "MSETNX")
        put(Range(1, -2, 1), "BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX")
        put(
            Range(1, 2, 1),
            "RENAME", "RENAMENX", "RPOPLPUSH", "LMOVE", "SMOVE", "COPY", "GEOSEARCHSTORE", "ZRANGESTORE", "BRPOPLPUSH", "BLMOVE",
        )
        put(Range(2, 2, 1), "XGROUP", "XINFO", "OBJECT")
        put(Range(1, 1, 1), "SPUBLISH") // a channel, not a key, but sharded pub/sub routes it by its slot the same way
    }

    /** Commands with `numkeys` at argument [at], keys following it; `extraFirst` = a key before numkeys (ZUNIONSTORE's destination). */
    private class NumKeys(val at: Int, val extraFirst: Boolean)

    private val numKeys: Map<String, NumKeys> = HashMap<String, NumKeys>().apply {
        for (c in listOf("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO", "BLMPOP", "BZMPOP")) put(c, NumKeys(2, false))
        for (c in listOf("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE")) put(c, NumKeys(2, true))
        for (c in listOf("ZUNION", "ZINTER", "ZDIFF", "ZINTERCARD", "SINTERCARD", "LMPOP", "ZMPOP")) put(c, NumKeys(1, false))
    }

    /** Read-only commands: the ones [io.hivepool.redis.cluster.ReadFrom] may send to a replica. */
    private val readOnly: Set<String> = hashSetOf(
        "GET", "MGET", "STRLEN", "GETRANGE", "GETBIT", "BITCOUNT", "BITPOS", "BITFIELD_RO", "LCS", "EXISTS", "TTL", "PTTL",
        "EXPIRETIME", "PEXPIRETIME", "TYPE", "DUMP", "HGET", "HMGET", "HLEN", "HEXISTS", "HGETALL", "HKEYS", "HVALS",
        "HSTRLEN", "HRANDFIELD", "HSCAN", "LLEN", "LRANGE", "LINDEX", "LPOS", "SCARD", "SISMEMBER", "SMISMEMBER",
        "SMEMBERS", "SRANDMEMBER", "SSCAN", "SINTER", "SUNION", "SDIFF", "SINTERCARD", "ZCARD", "ZCOUNT", "ZSCORE",
        "ZMSCORE", "ZRANK", "ZREVRANK", "ZRANGE", "ZREVRANGE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX",
        "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZRANDMEMBER", "ZSCAN", "ZUNION", "ZINTER", "ZDIFF", "ZINTERCARD", "PFCOUNT",
        "XLEN", "XRANGE", "XREVRANGE", "XPENDING", "XINFO", "GEODIST", "GEOHASH", "GEOPOS", "GEOSEARCH",
        "GEORADIUS_RO", "GEORADIUSBYMEMBER_RO", "SORT_RO", "EVAL_RO", "EVALSHA_RO", "FCALL_RO", "OBJECT",
    )

    fun name(args: List<Any>): String = argText(args[0]).uppercase()

    /** The key arguments of [args] (possibly none), in order. */
    fun keys(name: String, args: List<Any>): List<Any> {
        ranges[name]?.let { r ->
            val last = if (r.last < 0) args.size + r.last else minOf(r.last, args.size - 1)
            if (r.first > last) return emptyList()
            return (r.first..last step r.step).map { args[it] }
        }
        numKeys[name]?.let { n ->
            val count = args.getOrNull(n.at)?.let { argText(it).toIntOrNull() } ?: return emptyList()
            val keys = args.subList(minOf(n.at + 1, args.size), minOf(n.at + 1 + count, args.size))
            return if (n.extraFirst) listOf(args[1]) + keys else keys
        }
        if (name == "XREAD" || name == "XREADGROUP") {
            val streams = args.indexOfFirst { it is String && it.equals("STREAMS", ignoreCase = true) }
            if (streams < 0) return emptyList()
            val rest = args.size - streams - 1
            return args.subList(streams + 1, streams + 1 + rest / 2)
        }
        if (name == "MEMORY" && args.size > 2 && argText(args[1]).equals("USAGE", ignoreCase = true)) return listOf(args[2])
        return emptyList()
    }

    /** True when the command only reads (XREAD only without BLOCK; the blocking form needs the primary's lease). */
    fun isReadOnly(name: String, args: List<Any>): Boolean = when (name) {
        "XREAD" -> args.none { it is String && it.equals("BLOCK", ignoreCase = true) }
        else -> name in readOnly
    }
}
