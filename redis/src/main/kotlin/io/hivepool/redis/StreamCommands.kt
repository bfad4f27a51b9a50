package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import io.hivepool.redis.internal.Replies
import io.hivepool.redis.internal.StreamReplies
import java.util.concurrent.CompletableFuture
import kotlin.time.Duration
import kotlin.time.toJavaDuration

/** One stream entry; [fields] is empty for an entry deleted after delivery (XREADGROUP history, XCLAIM). */
public data class StreamEntry(val id: String, val fields: Map<String, String>)

/** `XPENDING key group` summary: how many are pending, the id range, and how many per consumer. */
public data class PendingSummary(val count: Long, val lowestId: String?, val highestId: String?, val consumers: Map<String, Long>)

/** One entry of the extended `XPENDING` form. */
public data class PendingEntry(val id: String, val consumer: String, val idle: Duration, val deliveries: Long) {
    /** [idle] as a `java.time.Duration`, for Java. */
    public val idleTime: java.time.Duration get() = idle.toJavaDuration()
}

/** `XAUTOCLAIM` result: where to continue, the claimed entries, and ids that no longer exist. */
public data class AutoClaimed(val nextStart: String, val entries: List<StreamEntry>, val deletedIds: List<String>)

/**
 * The stream commands, as values (see [StringCommands] for how the faces use them). XREAD and XREADGROUP with a
 * block time are blocking commands (pool-level: on an exclusive lease); a block of zero blocks forever.
 */
public object StreamCommands {
    /**
     * `XADD key [NOMKSTREAM] [MAXLEN|MINID [~] threshold] id field value…`: the new entry's id, or null when
     * [noMkStream] and the stream does not exist. Give at most one of [maxLen] and [minId].
     */
    @JvmStatic
    @JvmOverloads
    public fun xadd(
        key: String,
        fields: Map<String, String>,
        id: String = "*",
        maxLen: Long? = null,
        minId: String? = null,
        approximate: Boolean = false,
        noMkStream: Boolean = false,
    ): Command<String?> {
        require(fields.isNotEmpty()) { "XADD needs at least one field" }
        val args = buildList<Any> {
            add("XADD"); add(key)
            if (noMkStream) add("NOMKSTREAM")
            addTrim(maxLen, minId, approximate)
            add(id)
            fields.forEach { (f, v) -> add(f); add(v) }
        }
        return Command(args, decode = Decoders.stringOrNull)
    }

    /** `XRANGE key start end [COUNT n]`; `-` and `+` are the ends of the stream. */
    @JvmStatic
    @JvmOverloads
    public fun xrange(key: String, start: String = "-", end: String = "+", count: Long? = null): Command<List<StreamEntry>> =
        Command(listOf("XRANGE", key, start, end) + countArgs(count), decode = StreamReplies::entries)

    /** `XREVRANGE key end start [COUNT n]`: newest first. */
    @JvmStatic
    @JvmOverloads
    public fun xrevrange(key: String, end: String = "+", start: String = "-", count: Long? = null): Command<List<StreamEntry>> =
        Command(listOf("XREVRANGE", key, end, start) + countArgs(count), decode = StreamReplies::entries)

    /** `XLEN key`. */
    @JvmStatic
    public fun xlen(key: String): Command<Long> = Command(listOf("XLEN", key), decode = Decoders.long)

    /** `XTRIM key MAXLEN|MINID [~] threshold`: how many entries were removed; give exactly one of [maxLen] and [minId]. */
    @JvmStatic
    @JvmOverloads
    public fun xtrim(key: String, maxLen: Long? = null, minId: String? = null, approximate: Boolean = false): Command<Long> {
        require((maxLen == null) != (minId == null)) { "give exactly one of maxLen and minId" }
        return Command(buildList { add("XTRIM"); add(key); addTrim(maxLen, minId, approximate) }, decode = Decoders.long)
    }

    /**
     * `XREAD [COUNT n] [BLOCK ms] STREAMS key… id…`: entries after each id (`$` = only new ones), by stream; empty
     * when [block] ran out.
     */
    @JvmStatic
    @JvmOverloads
    public fun xread(streams: Map<String, String>, count: Long? = null, block: java.time.Duration? = null): Command<Map<String, List<StreamEntry>>> {
        require(streams.isNotEmpty()) { "XREAD needs at least one stream" }
        val args = buildList<Any> {
            add("XREAD")
            addAll(countArgs(count))
            if (block != null) { add("BLOCK"); add(block.toMillis()) }
            addStreams(streams)
        }
        return Command(args, block?.let(::blockFor) ?: Duration.ZERO, StreamReplies::streams)
    }

    /** `XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key… id…`; `>` = never delivered to this group. */
    @JvmStatic
    @JvmOverloads
    public fun xreadgroup(
        group: String,
        consumer: String,
        streams: Map<String, String>,
        count: Long? = null,
        block: java.time.Duration? = null,
        noAck: Boolean = false,
    ): Command<Map<String, List<StreamEntry>>> {
        require(streams.isNotEmpty()) { "XREADGROUP needs at least one stream" }
        val args = buildList<Any> {
            add("XREADGROUP"); add("GROUP"); add(group); add(consumer)
            addAll(countArgs(count))
            if (block != null) { add("BLOCK"); add(block.toMillis()) }
            if (noAck) add("NOACK")
            addStreams(streams)
        }
        return Command(args, block?.let(::blockFor) ?: Duration.ZERO, StreamReplies::streams)
    }

    /** `XGROUP CREATE key group id [MKSTREAM]` (`$` = only new entries). */
    @JvmStatic
    @JvmOverloads
    public fun xgroupCreate(key: String, group: String, id: String = "$", mkStream: Boolean = false): Command<Void?> =
        Command(listOf("XGROUP", "CREATE", key, group, id) + (if (mkStream) listOf("MKSTREAM") else emptyList()), decode = Decoders.ok)

    /** `XGROUP DESTROY key group`: whether it existed. */
    @JvmStatic
    public fun xgroupDestroy(key: String, group: String): Command<Boolean> = Command(listOf("XGROUP", "DESTROY", key, group), decode = Decoders.boolean)

    /** `XGROUP CREATECONSUMER key group consumer`: whether it was created. */
    @JvmStatic
    public fun xgroupCreateConsumer(key: String, group: String, consumer: String): Command<Boolean> =
        Command(listOf("XGROUP", "CREATECONSUMER", key, group, consumer), decode = Decoders.boolean)

    /** `XGROUP DELCONSUMER key group consumer`: how many pending entries it had. */
    @JvmStatic
    public fun xgroupDelConsumer(key: String, group: String, consumer: String): Command<Long> =
        Command(listOf("XGROUP", "DELCONSUMER", key, group, consumer), decode = Decoders.long)

    /** `XGROUP SETID key group id`. */
    @JvmStatic
    public fun xgroupSetId(key: String, group: String, id: String): Command<Void?> = Command(listOf("XGROUP", "SETID", key, group, id), decode = Decoders.ok)

    /** `XACK key group id…`: how many were acknowledged. */
    @JvmStatic
    public fun xack(key: String, group: String, vararg ids: String): Command<Long> = Command(listOf("XACK", key, group, *ids), decode = Decoders.long)

    /** `XPENDING key group`: the summary form. */
    @JvmStatic
    public fun xpending(key: String, group: String): Command<PendingSummary> = Command(listOf("XPENDING", key, group), decode = StreamReplies::pendingSummary)

    /** `XPENDING key group [IDLE ms] start end count [consumer]`: the extended form. */
    @JvmStatic
    @JvmOverloads
    public fun xpending(
        key: String,
        group: String,
        start: String,
        end: String,
        count: Long,
        consumer: String? = null,
        minIdle: java.time.Duration? = null,
    ): Command<List<PendingEntry>> {
        val args = buildList<Any> {
            add("XPENDING"); add(key); add(group)
            if (minIdle != null) { add("IDLE"); add(minIdle.toMillis()) }
            add(start); add(end); add(count)
            if (consumer != null) add(consumer)
        }
        return Command(args, decode = StreamReplies::pendingEntries)
    }

    /** `XCLAIM key group consumer min-idle-time id…`: the entries now owned by [consumer]. */
    @JvmStatic
    public fun xclaim(key: String, group: String, consumer: String, minIdle: java.time.Duration, vararg ids: String): Command<List<StreamEntry>> =
        Command(listOf("XCLAIM", key, group, consumer, minIdle.toMillis(), *ids), decode = StreamReplies::entries)

    /** `XAUTOCLAIM key group consumer min-idle-time start [COUNT n]`. */
    @JvmStatic
    @JvmOverloads
    public fun xautoclaim(
        key: String,
        group: String,
        consumer: String,
        minIdle: java.time.Duration,
        start: String = "0-0",
        count: Long? = null,
    ): Command<AutoClaimed> =
        Command(listOf("XAUTOCLAIM", key, group, consumer, minIdle.toMillis(), start) + countArgs(count), decode = StreamReplies::autoClaimed)

    private fun countArgs(count: Long?): List<Any> = if (count == null) emptyList() else listOf("COUNT", count)

    private fun MutableList<Any>.addTrim(maxLen: Long?, minId: String?, approximate: Boolean) {
        require(maxLen == null || minId == null) { "give at most one of maxLen and minId" }
        if (maxLen != null) { add("MAXLEN"); if (approximate) add("~"); add(maxLen) }
        if (minId != null) { add("MINID"); if (approximate) add("~"); add(minId) }
    }

    private fun MutableList<Any>.addStreams(streams: Map<String, String>) {
        add("STREAMS")
        addAll(streams.keys)
        addAll(streams.values)
    }
}

// The Kotlin face: one round trip through RedisCommands.send each, cancellable as it is.

/** [StreamCommands.xadd]: the new entry's id, or null ([noMkStream], no stream). Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xadd(
    key: String,
    fields: Map<String, String>,
    id: String = "*",
    maxLen: Long? = null,
    minId: String? = null,
    approximate: Boolean = false,
    noMkStream: Boolean = false,
): String? = send(StreamCommands.xadd(key, fields, id, maxLen, minId, approximate, noMkStream))

/** `XADD key * field value…`: the new entry's id. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xadd(key: String, vararg fields: Pair<String, String>): String =
    xadd(key, fields.toMap()) ?: Replies.unexpected(RespValue.Null, "an entry id")

/** `XRANGE key start end [COUNT n]`; `-` and `+` are the ends of the stream. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xrange(key: String, start: String = "-", end: String = "+", count: Long? = null): List<StreamEntry> =
    send(StreamCommands.xrange(key, start, end, count))

/** `XREVRANGE key end start [COUNT n]`: newest first. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xrevrange(key: String, end: String = "+", start: String = "-", count: Long? = null): List<StreamEntry> =
    send(StreamCommands.xrevrange(key, end, start, count))

/** `XLEN key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xlen(key: String): Long = send(StreamCommands.xlen(key))

/** `XTRIM key MAXLEN|MINID [~] threshold`: how many entries were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xtrim(key: String, maxLen: Long? = null, minId: String? = null, approximate: Boolean = false): Long =
    send(StreamCommands.xtrim(key, maxLen, minId, approximate))

/** [StreamCommands.xread]; [block] ZERO blocks forever. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xread(streams: Map<String, String>, count: Long? = null, block: Duration? = null): Map<String, List<StreamEntry>> =
    send(StreamCommands.xread(streams, count, block?.toJavaDuration()))

/** [StreamCommands.xreadgroup]; [block] ZERO blocks forever. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xreadgroup(
    group: String,
    consumer: String,
    streams: Map<String, String>,
    count: Long? = null,
    block: Duration? = null,
    noAck: Boolean = false,
): Map<String, List<StreamEntry>> = send(StreamCommands.xreadgroup(group, consumer, streams, count, block?.toJavaDuration(), noAck))

/** `XGROUP CREATE key group id [MKSTREAM]` (`$` = only new entries). Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupCreate(key: String, group: String, id: String = "$", mkStream: Boolean = false) {
    send(StreamCommands.xgroupCreate(key, group, id, mkStream))
}

/** `XGROUP DESTROY key group`: whether it existed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupDestroy(key: String, group: String): Boolean = send(StreamCommands.xgroupDestroy(key, group))

/** `XGROUP CREATECONSUMER key group consumer`: whether it was created. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupCreateConsumer(key: String, group: String, consumer: String): Boolean =
    send(StreamCommands.xgroupCreateConsumer(key, group, consumer))

/** `XGROUP DELCONSUMER key group consumer`: how many pending entries it had. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupDelConsumer(key: String, group: String, consumer: String): Long =
    send(StreamCommands.xgroupDelConsumer(key, group, consumer))

/** `XGROUP SETID key group id`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupSetId(key: String, group: String, id: String) { send(StreamCommands.xgroupSetId(key, group, id)) }

/** `XACK key group id…`: how many were acknowledged. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xack(key: String, group: String, vararg ids: String): Long = send(StreamCommands.xack(key, group, *ids))

/** `XPENDING key group`: the summary form. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xpending(key: String, group: String): PendingSummary = send(StreamCommands.xpending(key, group))

/** `XPENDING key group [IDLE ms] start end count [consumer]`: the extended form. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xpending(
    key: String,
    group: String,
    start: String,
    end: String,
    count: Long,
    consumer: String? = null,
    minIdle: Duration? = null,
): List<PendingEntry> = send(StreamCommands.xpending(key, group, start, end, count, consumer, minIdle?.toJavaDuration()))

/** `XCLAIM key group consumer min-idle-time id…`: the entries now owned by [consumer]. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xclaim(key: String, group: String, consumer: String, minIdle: Duration, vararg ids: String): List<StreamEntry> =
    send(StreamCommands.xclaim(key, group, consumer, minIdle.toJavaDuration(), *ids))

/** `XAUTOCLAIM key group consumer min-idle-time start [COUNT n]`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xautoclaim(
    key: String,
    group: String,
    consumer: String,
    minIdle: Duration,
    start: String = "0-0",
    count: Long? = null,
): AutoClaimed = send(StreamCommands.xautoclaim(key, group, consumer, minIdle.toJavaDuration(), start, count))

/** The Java face of [StreamCommands] (see [FutureStringCommands]); other option sets through `send(StreamCommands.…)`. */
public interface FutureStreamCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `XADD key * field value…`: the new entry's id. */
    public fun xadd(key: String, fields: Map<String, String>): CompletableFuture<String?> = send(StreamCommands.xadd(key, fields))

    /** `XRANGE key start end [COUNT n]`; [count] may be null. */
    public fun xrange(key: String, start: String, end: String, count: Long?): CompletableFuture<List<StreamEntry>> =
        send(StreamCommands.xrange(key, start, end, count))

    /** `XREVRANGE key end start [COUNT n]`; [count] may be null. */
    public fun xrevrange(key: String, end: String, start: String, count: Long?): CompletableFuture<List<StreamEntry>> =
        send(StreamCommands.xrevrange(key, end, start, count))

    /** `XLEN key`. */
    public fun xlen(key: String): CompletableFuture<Long> = send(StreamCommands.xlen(key))

    /** `XTRIM key MAXLEN [~] maxLen`. */
    public fun xtrim(key: String, maxLen: Long, approximate: Boolean): CompletableFuture<Long> =
        send(StreamCommands.xtrim(key, maxLen = maxLen, approximate = approximate))

    /** `XREAD [COUNT n] [BLOCK ms] STREAMS …`; [count] and [block] may be null (no block: answer at once). */
    public fun xread(streams: Map<String, String>, count: Long?, block: java.time.Duration?): CompletableFuture<Map<String, List<StreamEntry>>> =
        send(StreamCommands.xread(streams, count, block))

    /** `XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] STREAMS …`; [count] and [block] may be null. */
    public fun xreadgroup(
        group: String,
        consumer: String,
        streams: Map<String, String>,
        count: Long?,
        block: java.time.Duration?,
    ): CompletableFuture<Map<String, List<StreamEntry>>> = send(StreamCommands.xreadgroup(group, consumer, streams, count, block))

    /** `XGROUP CREATE key group id [MKSTREAM]`. */
    public fun xgroupCreate(key: String, group: String, id: String, mkStream: Boolean): CompletableFuture<Void?> =
        send(StreamCommands.xgroupCreate(key, group, id, mkStream))

    /** `XGROUP DESTROY key group`. */
    public fun xgroupDestroy(key: String, group: String): CompletableFuture<Boolean> = send(StreamCommands.xgroupDestroy(key, group))

    /** `XGROUP CREATECONSUMER key group consumer`. */
    public fun xgroupCreateConsumer(key: String, group: String, consumer: String): CompletableFuture<Boolean> =
        send(StreamCommands.xgroupCreateConsumer(key, group, consumer))

    /** `XGROUP DELCONSUMER key group consumer`. */
    public fun xgroupDelConsumer(key: String, group: String, consumer: String): CompletableFuture<Long> =
        send(StreamCommands.xgroupDelConsumer(key, group, consumer))

    /** `XGROUP SETID key group id`. */
    public fun xgroupSetId(key: String, group: String, id: String): CompletableFuture<Void?> = send(StreamCommands.xgroupSetId(key, group, id))

    /** `XACK key group id…`. */
    public fun xack(key: String, group: String, vararg ids: String): CompletableFuture<Long> = send(StreamCommands.xack(key, group, *ids))

    /** `XPENDING key group` (summary). */
    public fun xpending(key: String, group: String): CompletableFuture<PendingSummary> = send(StreamCommands.xpending(key, group))

    /** `XPENDING key group start end count` (extended). */
    public fun xpending(key: String, group: String, start: String, end: String, count: Long): CompletableFuture<List<PendingEntry>> =
        send(StreamCommands.xpending(key, group, start, end, count))

    /** `XCLAIM key group consumer min-idle-time id…`. */
    public fun xclaim(key: String, group: String, consumer: String, minIdle: java.time.Duration, vararg ids: String): CompletableFuture<List<StreamEntry>> =
        send(StreamCommands.xclaim(key, group, consumer, minIdle, *ids))

    /** `XAUTOCLAIM key group consumer min-idle-time start [COUNT n]`; [count] may be null. */
    public fun xautoclaim(
        key: String,
        group: String,
        consumer: String,
        minIdle: java.time.Duration,
        start: String,
        count: Long?,
    ): CompletableFuture<AutoClaimed> = send(StreamCommands.xautoclaim(key, group, consumer, minIdle, start, count))
}
