package io.hivepool.redis

import io.hivepool.redis.internal.Replies

// Sorted set commands. Each suspend function is one round trip through RedisCommands.send and is cancellable as
// it is. Score bounds are strings as Redis writes them: "1.5", "(1.5" (exclusive), "-inf", "+inf";
// lexical bounds likewise: "[a", "(a", "-", "+".

/** A sorted-set member with its score. */
public data class ScoredMember(val member: String, val score: Double)

/** `LIMIT offset count` for range queries by score or lex. */
public data class Limit(val offset: Long, val count: Long)

/**
 * `ZADD key [NX|XX] [GT|LT] [CH] score member ...`: how many members were added (or changed, with [ch]).
 * Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.zadd(
    key: String,
    vararg members: ScoredMember,
    nx: Boolean = false,
    xx: Boolean = false,
    gt: Boolean = false,
    lt: Boolean = false,
    ch: Boolean = false,
): Long {
    require(members.isNotEmpty()) { "ZADD needs at least one member" }
    return send(Command(zaddArgs(key, nx, xx, gt, lt, ch, incr = false) + members.flatMap { listOf(it.score, it.member) }, decode = Replies::long))
}

/** `ZADD key score member` for one member. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zadd(key: String, score: Double, member: String): Long = zadd(key, ScoredMember(member, score))

/**
 * `ZADD key ... INCR increment member`: the member's new score, or null when a condition ([nx], [xx], [gt],
 * [lt]) stopped the update. Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.zaddIncr(
    key: String,
    member: String,
    increment: Double,
    nx: Boolean = false,
    xx: Boolean = false,
    gt: Boolean = false,
    lt: Boolean = false,
): Double? = send(Command(zaddArgs(key, nx, xx, gt, lt, ch = false, incr = true) + listOf(increment, member), decode = Replies::doubleOrNull))

/** `ZRANGE key start stop [REV]` by rank. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrange(key: String, start: Long, stop: Long, rev: Boolean = false): List<String> =
    send(Command(zrangeArgs(key, start, stop, null, rev, null, scores = false), decode = Replies::strings))

/** `ZRANGE key start stop [REV] WITHSCORES`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrangeWithScores(key: String, start: Long, stop: Long, rev: Boolean = false): List<ScoredMember> =
    send(Command(zrangeArgs(key, start, stop, null, rev, null, scores = true), decode = Replies::scored))

/**
 * `ZRANGE key min max BYSCORE [REV] [LIMIT offset count]`: members with scores between [min] and [max]
 * (highest first with [rev]; give [min] and [max] in their natural order either way). Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.zrangeByScore(key: String, min: String, max: String, rev: Boolean = false, limit: Limit? = null): List<String> =
    send(Command(zrangeArgs(key, min, max, "BYSCORE", rev, limit, scores = false), decode = Replies::strings))

/** [zrangeByScore] `WITHSCORES`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrangeByScoreWithScores(
    key: String,
    min: String,
    max: String,
    rev: Boolean = false,
    limit: Limit? = null,
): List<ScoredMember> = send(Command(zrangeArgs(key, min, max, "BYSCORE", rev, limit, scores = true), decode = Replies::scored))

/** `ZRANGE key min max BYLEX [REV] [LIMIT offset count]`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrangeByLex(key: String, min: String, max: String, rev: Boolean = false, limit: Limit? = null): List<String> =
    send(Command(zrangeArgs(key, min, max, "BYLEX", rev, limit, scores = false), decode = Replies::strings))

/** `ZSCORE key member`, null when absent. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zscore(key: String, member: String): Double? =
    send(Command(listOf("ZSCORE", key, member), decode = Replies::doubleOrNull))

/** `ZINCRBY key increment member`: the new score. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zincrby(key: String, increment: Double, member: String): Double =
    send(Command(listOf("ZINCRBY", key, increment, member), decode = Replies::double))

/** `ZRANK key member` (0 = lowest score), null when absent. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrank(key: String, member: String): Long? = send(Command(listOf("ZRANK", key, member), decode = Replies::longOrNull))

/** `ZREM key member...`: how many were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrem(key: String, vararg members: String): Long = send(Command(listOf("ZREM", key, *members), decode = Replies::long))

/** `ZCARD key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zcard(key: String): Long = send(Command(listOf("ZCARD", key), decode = Replies::long))

/** `ZCOUNT key min max`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zcount(key: String, min: String, max: String): Long = send(Command(listOf("ZCOUNT", key, min, max), decode = Replies::long))

/** `ZPOPMIN key`: the lowest-scored member removed, or null. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zpopmin(key: String): ScoredMember? = send(Command(listOf("ZPOPMIN", key)) { Replies.scored(it).firstOrNull() })

/** `ZPOPMIN key count`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zpopmin(key: String, count: Int): List<ScoredMember> = send(Command(listOf("ZPOPMIN", key, count), decode = Replies::scored))

/** `ZPOPMAX key`: the highest-scored member removed, or null. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zpopmax(key: String): ScoredMember? = send(Command(listOf("ZPOPMAX", key)) { Replies.scored(it).firstOrNull() })

/** `ZPOPMAX key count`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zpopmax(key: String, count: Int): List<ScoredMember> = send(Command(listOf("ZPOPMAX", key, count), decode = Replies::scored))

private fun zaddArgs(key: String, nx: Boolean, xx: Boolean, gt: Boolean, lt: Boolean, ch: Boolean, incr: Boolean): List<Any> {
    require(!(nx && xx)) { "nx and xx cannot both be set" }
    require(!(gt && lt)) { "gt and lt cannot both be set" }
    require(!(nx && (gt || lt))) { "nx cannot be combined with gt or lt" }
    return buildList {
        add("ZADD"); add(key)
        if (nx) add("NX")
        if (xx) add("XX")
        if (gt) add("GT")
        if (lt) add("LT")
        if (ch) add("CH")
        if (incr) add("INCR")
    }
}

private fun zrangeArgs(key: String, min: Any, max: Any, by: String?, rev: Boolean, limit: Limit?, scores: Boolean): List<Any> {
    require(limit == null || by != null) { "LIMIT needs BYSCORE or BYLEX" }
    return buildList {
        add("ZRANGE"); add(key)
        // With REV and BYSCORE/BYLEX Redis takes the bounds as max then min.
        if (rev && by != null) { add(max); add(min) } else { add(min); add(max) }
        if (by != null) add(by)
        if (rev) add("REV")
        if (limit != null) { add("LIMIT"); add(limit.offset); add(limit.count) }
        if (scores) add("WITHSCORES")
    }
}
