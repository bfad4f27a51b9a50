package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import io.hivepool.redis.internal.Replies
import java.util.concurrent.CompletableFuture

/** A sorted-set member with its score. */
public data class ScoredMember(val member: String, val score: Double)

/** `LIMIT offset count` for range queries by score or lex. */
public data class Limit(val offset: Long, val count: Long)

/**
 * The sorted set commands, as values (see [StringCommands] for how the faces use them). Score bounds are strings
 * as Redis writes them: "1.5", "(1.5" (exclusive), "-inf", "+inf"; lexical bounds likewise: "[a", "(a", "-", "+".
 */
public object SortedSetCommands {
    /** `ZADD key [NX|XX] [GT|LT] [CH] score member …`: how many members were added (or changed, with [ch]). */
    @JvmStatic
    @JvmOverloads
    public fun zadd(
        key: String,
        members: List<ScoredMember>,
        nx: Boolean = false,
        xx: Boolean = false,
        gt: Boolean = false,
        lt: Boolean = false,
        ch: Boolean = false,
    ): Command<Long> {
        require(members.isNotEmpty()) { "ZADD needs at least one member" }
        return Command(zaddArgs(key, nx, xx, gt, lt, ch, incr = false) + members.flatMap { listOf(it.score, it.member) }, decode = Decoders.long)
    }

    /** `ZADD key score member` for one member. */
    @JvmStatic
    public fun zadd(key: String, score: Double, member: String): Command<Long> = zadd(key, listOf(ScoredMember(member, score)))

    /** `ZADD key … INCR increment member`: the new score, or null when a condition stopped the update. */
    @JvmStatic
    @JvmOverloads
    public fun zaddIncr(
        key: String,
        member: String,
        increment: Double,
        nx: Boolean = false,
        xx: Boolean = false,
        gt: Boolean = false,
        lt: Boolean = false,
    ): Command<Double?> = Command(zaddArgs(key, nx, xx, gt, lt, ch = false, incr = true) + listOf(increment, member), decode = Decoders.doubleOrNull)

    /** `ZRANGE key start stop [REV]` by rank. */
    @JvmStatic
    @JvmOverloads
    public fun zrange(key: String, start: Long, stop: Long, rev: Boolean = false): Command<List<String>> =
        Command(zrangeArgs(key, start, stop, null, rev, null, scores = false), decode = Decoders.strings)

    /** `ZRANGE key start stop [REV] WITHSCORES`. */
    @JvmStatic
    @JvmOverloads
    public fun zrangeWithScores(key: String, start: Long, stop: Long, rev: Boolean = false): Command<List<ScoredMember>> =
        Command(zrangeArgs(key, start, stop, null, rev, null, scores = true), decode = Decoders.scored)

    /**
     * `ZRANGE key min max BYSCORE [REV] [LIMIT offset count]`: members with scores between [min] and [max]
     * (highest first with [rev]; give [min] and [max] in their natural order either way).
     */
    @JvmStatic
    @JvmOverloads
    public fun zrangeByScore(key: String, min: String, max: String, rev: Boolean = false, limit: Limit? = null): Command<List<String>> =
        Command(zrangeArgs(key, min, max, "BYSCORE", rev, limit, scores = false), decode = Decoders.strings)

    /** [zrangeByScore] `WITHSCORES`. */
    @JvmStatic
    @JvmOverloads
    public fun zrangeByScoreWithScores(key: String, min: String, max: String, rev: Boolean = false, limit: Limit? = null): Command<List<ScoredMember>> =
        Command(zrangeArgs(key, min, max, "BYSCORE", rev, limit, scores = true), decode = Decoders.scored)

    /** `ZRANGE key min max BYLEX [REV] [LIMIT offset count]`. */
    @JvmStatic
    @JvmOverloads
    public fun zrangeByLex(key: String, min: String, max: String, rev: Boolean = false, limit: Limit? = null): Command<List<String>> =
        Command(zrangeArgs(key, min, max, "BYLEX", rev, limit, scores = false), decode = Decoders.strings)

    /** `ZSCORE key member`, null when absent. */
    @JvmStatic
    public fun zscore(key: String, member: String): Command<Double?> = Command(listOf("ZSCORE", key, member), decode = Decoders.doubleOrNull)

    /** `ZINCRBY key increment member`: the new score. */
    @JvmStatic
    public fun zincrby(key: String, increment: Double, member: String): Command<Double> =
        Command(listOf("ZINCRBY", key, increment, member), decode = Decoders.double)

    /** `ZRANK key member` (0 = lowest score), null when absent. */
    @JvmStatic
    public fun zrank(key: String, member: String): Command<Long?> = Command(listOf("ZRANK", key, member), decode = Decoders.longOrNull)

    /** `ZREM key member…`: how many were removed. */
    @JvmStatic
    public fun zrem(key: String, vararg members: String): Command<Long> = Command(listOf("ZREM", key, *members), decode = Decoders.long)

    /** `ZCARD key`. */
    @JvmStatic
    public fun zcard(key: String): Command<Long> = Command(listOf("ZCARD", key), decode = Decoders.long)

    /** `ZCOUNT key min max`. */
    @JvmStatic
    public fun zcount(key: String, min: String, max: String): Command<Long> = Command(listOf("ZCOUNT", key, min, max), decode = Decoders.long)

    /** `ZPOPMIN key`: the lowest-scored member removed, or null. */
    @JvmStatic
    public fun zpopmin(key: String): Command<ScoredMember?> = Command(listOf("ZPOPMIN", key)) { Replies.scored(it).firstOrNull() }

    /** `ZPOPMIN key count`. */
    @JvmStatic
    public fun zpopmin(key: String, count: Int): Command<List<ScoredMember>> = Command(listOf("ZPOPMIN", key, count), decode = Decoders.scored)

    /** `ZPOPMAX key`: the highest-scored member removed, or null. */
    @JvmStatic
    public fun zpopmax(key: String): Command<ScoredMember?> = Command(listOf("ZPOPMAX", key)) { Replies.scored(it).firstOrNull() }

    /** `ZPOPMAX key count`. */
    @JvmStatic
    public fun zpopmax(key: String, count: Int): Command<List<ScoredMember>> = Command(listOf("ZPOPMAX", key, count), decode = Decoders.scored)

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
}

// The Kotlin face: one round trip through RedisCommands.send each, cancellable as it is.

/** [SortedSetCommands.zadd]: how many members were added (or changed, with [ch]). Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zadd(
    key: String,
    vararg members: ScoredMember,
    nx: Boolean = false,
    xx: Boolean = false,
    gt: Boolean = false,
    lt: Boolean = false,
    ch: Boolean = false,
): Long = send(SortedSetCommands.zadd(key, members.asList(), nx, xx, gt, lt, ch))

/** `ZADD key score member` for one member. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zadd(key: String, score: Double, member: String): Long = send(SortedSetCommands.zadd(key, score, member))

/** [SortedSetCommands.zaddIncr]: the new score, or null when a condition stopped it. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zaddIncr(
    key: String,
    member: String,
    increment: Double,
    nx: Boolean = false,
    xx: Boolean = false,
    gt: Boolean = false,
    lt: Boolean = false,
): Double? = send(SortedSetCommands.zaddIncr(key, member, increment, nx, xx, gt, lt))

/** `ZRANGE key start stop [REV]` by rank. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrange(key: String, start: Long, stop: Long, rev: Boolean = false): List<String> =
    send(SortedSetCommands.zrange(key, start, stop, rev))

/** `ZRANGE key start stop [REV] WITHSCORES`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrangeWithScores(key: String, start: Long, stop: Long, rev: Boolean = false): List<ScoredMember> =
    send(SortedSetCommands.zrangeWithScores(key, start, stop, rev))

/** [SortedSetCommands.zrangeByScore]. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrangeByScore(key: String, min: String, max: String, rev: Boolean = false, limit: Limit? = null): List<String> =
    send(SortedSetCommands.zrangeByScore(key, min, max, rev, limit))

/** [zrangeByScore] `WITHSCORES`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrangeByScoreWithScores(
    key: String,
    min: String,
    max: String,
    rev: Boolean = false,
    limit: Limit? = null,
): List<ScoredMember> = send(SortedSetCommands.zrangeByScoreWithScores(key, min, max, rev, limit))

/** `ZRANGE key min max BYLEX [REV] [LIMIT offset count]`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrangeByLex(key: String, min: String, max: String, rev: Boolean = false, limit: Limit? = null): List<String> =
    send(SortedSetCommands.zrangeByLex(key, min, max, rev, limit))

/** `ZSCORE key member`, null when absent. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zscore(key: String, member: String): Double? = send(SortedSetCommands.zscore(key, member))

/** `ZINCRBY key increment member`: the new score. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zincrby(key: String, increment: Double, member: String): Double = send(SortedSetCommands.zincrby(key, increment, member))

/** `ZRANK key member` (0 = lowest score), null when absent. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrank(key: String, member: String): Long? = send(SortedSetCommands.zrank(key, member))

/** `ZREM key member...`: how many were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zrem(key: String, vararg members: String): Long = send(SortedSetCommands.zrem(key, *members))

/** `ZCARD key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zcard(key: String): Long = send(SortedSetCommands.zcard(key))

/** `ZCOUNT key min max`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zcount(key: String, min: String, max: String): Long = send(SortedSetCommands.zcount(key, min, max))

/** `ZPOPMIN key`: the lowest-scored member removed, or null. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zpopmin(key: String): ScoredMember? = send(SortedSetCommands.zpopmin(key))

/** `ZPOPMIN key count`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zpopmin(key: String, count: Int): List<ScoredMember> = send(SortedSetCommands.zpopmin(key, count))

/** `ZPOPMAX key`: the highest-scored member removed, or null. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zpopmax(key: String): ScoredMember? = send(SortedSetCommands.zpopmax(key))

/** `ZPOPMAX key count`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.zpopmax(key: String, count: Int): List<ScoredMember> = send(SortedSetCommands.zpopmax(key, count))

/** The Java face of [SortedSetCommands] (see [FutureStringCommands]). */
public interface FutureSortedSetCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `ZADD key score member`. */
    public fun zadd(key: String, score: Double, member: String): CompletableFuture<Long> = send(SortedSetCommands.zadd(key, score, member))

    /** `ZADD key score member …`. */
    public fun zadd(key: String, members: List<ScoredMember>): CompletableFuture<Long> = send(SortedSetCommands.zadd(key, members))

    /** `ZADD key INCR increment member`: the new score. */
    public fun zaddIncr(key: String, member: String, increment: Double): CompletableFuture<Double?> =
        send(SortedSetCommands.zaddIncr(key, member, increment))

    /** `ZRANGE key start stop`. */
    public fun zrange(key: String, start: Long, stop: Long): CompletableFuture<List<String>> = send(SortedSetCommands.zrange(key, start, stop))

    /** `ZRANGE key start stop WITHSCORES`. */
    public fun zrangeWithScores(key: String, start: Long, stop: Long): CompletableFuture<List<ScoredMember>> =
        send(SortedSetCommands.zrangeWithScores(key, start, stop))

    /** `ZRANGE key min max BYSCORE [LIMIT]`; [limit] may be null. */
    public fun zrangeByScore(key: String, min: String, max: String, limit: Limit?): CompletableFuture<List<String>> =
        send(SortedSetCommands.zrangeByScore(key, min, max, limit = limit))

    /** `ZRANGE key min max BYSCORE [LIMIT] WITHSCORES`; [limit] may be null. */
    public fun zrangeByScoreWithScores(key: String, min: String, max: String, limit: Limit?): CompletableFuture<List<ScoredMember>> =
        send(SortedSetCommands.zrangeByScoreWithScores(key, min, max, limit = limit))

    /** `ZRANGE key min max BYLEX [LIMIT]`; [limit] may be null. */
    public fun zrangeByLex(key: String, min: String, max: String, limit: Limit?): CompletableFuture<List<String>> =
        send(SortedSetCommands.zrangeByLex(key, min, max, limit = limit))

    /** `ZSCORE key member`. */
    public fun zscore(key: String, member: String): CompletableFuture<Double?> = send(SortedSetCommands.zscore(key, member))

    /** `ZINCRBY key increment member`. */
    public fun zincrby(key: String, increment: Double, member: String): CompletableFuture<Double> =
        send(SortedSetCommands.zincrby(key, increment, member))

    /** `ZRANK key member`. */
    public fun zrank(key: String, member: String): CompletableFuture<Long?> = send(SortedSetCommands.zrank(key, member))

    /** `ZREM key member…`. */
    public fun zrem(key: String, vararg members: String): CompletableFuture<Long> = send(SortedSetCommands.zrem(key, *members))

    /** `ZCARD key`. */
    public fun zcard(key: String): CompletableFuture<Long> = send(SortedSetCommands.zcard(key))

    /** `ZCOUNT key min max`. */
    public fun zcount(key: String, min: String, max: String): CompletableFuture<Long> = send(SortedSetCommands.zcount(key, min, max))

    /** `ZPOPMIN key`. */
    public fun zpopmin(key: String): CompletableFuture<ScoredMember?> = send(SortedSetCommands.zpopmin(key))

    /** `ZPOPMIN key count`. */
    public fun zpopmin(key: String, count: Int): CompletableFuture<List<ScoredMember>> = send(SortedSetCommands.zpopmin(key, count))

    /** `ZPOPMAX key`. */
    public fun zpopmax(key: String): CompletableFuture<ScoredMember?> = send(SortedSetCommands.zpopmax(key))

    /** `ZPOPMAX key count`. */
    public fun zpopmax(key: String, count: Int): CompletableFuture<List<ScoredMember>> = send(SortedSetCommands.zpopmax(key, count))
}
