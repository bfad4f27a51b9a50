package io.hivepool.redis

import io.hivepool.redis.internal.Replies
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

// Stream commands. Each is one round trip through RedisCommands.send and cancellable as it is. XREAD and
// XREADGROUP with a block time are blocking commands (pool-level: on an exclusive lease).

/** One stream entry; [fields] is empty for an entry deleted after delivery (XREADGROUP history, XCLAIM). */
public data class StreamEntry(val id: String, val fields: Map<String, String>)

/** `XPENDING key group` summary: how many are pending, the id range, and how many per consumer. */
public data class PendingSummary(val count: Long, val lowestId: String?, val highestId: String?, val consumers: Map<String, Long>)

/** One entry of the extended `XPENDING` form. */
public data class PendingEntry(val id: String, val consumer: String, val idle: Duration, val deliveries: Long)

/** `XAUTOCLAIM` result: where to continue, the claimed entries, and ids that no longer exist. */
public data class AutoClaimed(val nextStart: String, val entries: List<StreamEntry>, val deletedIds: List<String>)

/**
 * `XADD key [NOMKSTREAM] [MAXLEN|MINID [~] threshold] id field value…`: the new entry's id, or null when
 * [noMkStream] and the stream does not exist. Give at most one of [maxLen] and [minId]. Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.xadd(
    key: String,
    fields: Map<String, String>,
    id: String = "*",
    maxLen: Long? = null,
    minId: String? = null,
    approximate: Boolean = false,
    noMkStream: Boolean = false,
): String? {
    require(fields.isNotEmpty()) { "XADD needs at least one field" }
    val args = buildList<Any> {
        add("XADD"); add(key)
        if (noMkStream) add("NOMKSTREAM")
        addTrim(maxLen, minId, approximate)
        add(id)
        fields.forEach { (f, v) -> add(f); add(v) }
    }
    return send(Command(args, decode = Replies::stringOrNull))
}

/** `XADD key * field value…`: the new entry's id. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xadd(key: String, vararg fields: Pair<String, String>): String =
    xadd(key, fields.toMap()) ?: Replies.unexpected(RespValue.Null, "an entry id")

/** `XRANGE key start end [COUNT n]`; `-` and `+` are the ends of the stream. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xrange(key: String, start: String = "-", end: String = "+", count: Long? = null): List<StreamEntry> =
    send(Command(listOf("XRANGE", key, start, end) + countArgs(count), decode = ::entries))

/** `XREVRANGE key end start [COUNT n]`: newest first. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xrevrange(key: String, end: String = "+", start: String = "-", count: Long? = null): List<StreamEntry> =
    send(Command(listOf("XREVRANGE", key, end, start) + countArgs(count), decode = ::entries))

/** `XLEN key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xlen(key: String): Long = send(Command(listOf("XLEN", key), decode = Replies::long))

/** `XTRIM key MAXLEN|MINID [~] threshold`: how many entries were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xtrim(key: String, maxLen: Long? = null, minId: String? = null, approximate: Boolean = false): Long {
    require((maxLen == null) != (minId == null)) { "give exactly one of maxLen and minId" }
    return send(Command(buildList { add("XTRIM"); add(key); addTrim(maxLen, minId, approximate) }, decode = Replies::long))
}

/**
 * `XREAD [COUNT n] [BLOCK ms] STREAMS key… id…`: entries after each id (`$` = only new ones), by stream; empty
 * when [block] ran out. [block] ZERO blocks forever. Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.xread(streams: Map<String, String>, count: Long? = null, block: Duration? = null): Map<String, List<StreamEntry>> {
    require(streams.isNotEmpty()) { "XREAD needs at least one stream" }
    val args = buildList<Any> {
        add("XREAD")
        addAll(countArgs(count))
        if (block != null) { add("BLOCK"); add(block.inWholeMilliseconds) }
        addStreams(streams)
    }
    return send(Command(args, block?.let(::blockFor) ?: Duration.ZERO, ::streamsReply))
}

/**
 * `XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key… id…`; `>` = entries never delivered
 * to this group. [block] ZERO blocks forever. Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.xreadgroup(
    group: String,
    consumer: String,
    streams: Map<String, String>,
    count: Long? = null,
    block: Duration? = null,
    noAck: Boolean = false,
): Map<String, List<StreamEntry>> {
    require(streams.isNotEmpty()) { "XREADGROUP needs at least one stream" }
    val args = buildList<Any> {
        add("XREADGROUP"); add("GROUP"); add(group); add(consumer)
        addAll(countArgs(count))
        if (block != null) { add("BLOCK"); add(block.inWholeMilliseconds) }
        if (noAck) add("NOACK")
        addStreams(streams)
    }
    return send(Command(args, block?.let(::blockFor) ?: Duration.ZERO, ::streamsReply))
}

/** `XGROUP CREATE key group id [MKSTREAM]` (`$` = only new entries). Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupCreate(key: String, group: String, id: String = "$", mkStream: Boolean = false): Unit =
    send(Command(listOf("XGROUP", "CREATE", key, group, id) + (if (mkStream) listOf("MKSTREAM") else emptyList()), decode = Replies::unit))

/** `XGROUP DESTROY key group`: whether it existed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupDestroy(key: String, group: String): Boolean =
    send(Command(listOf("XGROUP", "DESTROY", key, group), decode = Replies::boolean))

/** `XGROUP CREATECONSUMER key group consumer`: whether it was created. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupCreateConsumer(key: String, group: String, consumer: String): Boolean =
    send(Command(listOf("XGROUP", "CREATECONSUMER", key, group, consumer), decode = Replies::boolean))

/** `XGROUP DELCONSUMER key group consumer`: how many pending entries it had. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupDelConsumer(key: String, group: String, consumer: String): Long =
    send(Command(listOf("XGROUP", "DELCONSUMER", key, group, consumer), decode = Replies::long))

/** `XGROUP SETID key group id`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xgroupSetId(key: String, group: String, id: String): Unit =
    send(Command(listOf("XGROUP", "SETID", key, group, id), decode = Replies::unit))

/** `XACK key group id…`: how many were acknowledged. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xack(key: String, group: String, vararg ids: String): Long =
    send(Command(listOf("XACK", key, group, *ids), decode = Replies::long))

/** `XPENDING key group`: the summary form. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xpending(key: String, group: String): PendingSummary =
    send(
        Command(listOf("XPENDING", key, group)) { r ->
            val e = Replies.elements(r)
            if (e.size != 4) Replies.unexpected(r, "[count, lowest, highest, consumers]")
            val consumers = Replies.elements(e[3]).associate { c ->
                val p = Replies.elements(c)
                Replies.string(p[0]) to Replies.long(p[1])
            }
            PendingSummary(Replies.long(e[0]), Replies.stringOrNull(e[1]), Replies.stringOrNull(e[2]), consumers)
        },
    )

/** `XPENDING key group [IDLE ms] start end count [consumer]`: the extended form. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xpending(
    key: String,
    group: String,
    start: String,
    end: String,
    count: Long,
    consumer: String? = null,
    minIdle: Duration? = null,
): List<PendingEntry> {
    val args = buildList<Any> {
        add("XPENDING"); add(key); add(group)
        if (minIdle != null) { add("IDLE"); add(minIdle.inWholeMilliseconds) }
        add(start); add(end); add(count)
        if (consumer != null) add(consumer)
    }
    return send(
        Command(args) { r ->
            Replies.elements(r).map { item ->
                val p = Replies.elements(item)
                if (p.size != 4) Replies.unexpected(item, "[id, consumer, idle, deliveries]")
                PendingEntry(Replies.string(p[0]), Replies.string(p[1]), Replies.long(p[2]).milliseconds, Replies.long(p[3]))
            }
        },
    )
}

/** `XCLAIM key group consumer min-idle-time id…`: the entries now owned by [consumer]. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xclaim(key: String, group: String, consumer: String, minIdle: Duration, vararg ids: String): List<StreamEntry> =
    send(Command(listOf("XCLAIM", key, group, consumer, minIdle.inWholeMilliseconds, *ids), decode = ::entries))

/** `XAUTOCLAIM key group consumer min-idle-time start [COUNT n]`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.xautoclaim(
    key: String,
    group: String,
    consumer: String,
    minIdle: Duration,
    start: String = "0-0",
    count: Long? = null,
): AutoClaimed = send(
    Command(listOf("XAUTOCLAIM", key, group, consumer, minIdle.inWholeMilliseconds, start) + countArgs(count)) { r ->
        val e = Replies.elements(r)
        if (e.size < 2) Replies.unexpected(r, "[next, entries, deleted]")
        AutoClaimed(Replies.string(e[0]), entries(e[1]), if (e.size > 2) Replies.strings(e[2]) else emptyList())
    },
)

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

private fun entry(v: RespValue): StreamEntry {
    val e = Replies.elements(v)
    if (e.size != 2) Replies.unexpected(v, "[id, fields]")
    val fields = if (e[1] == RespValue.Null) emptyMap() else Replies.stringMap(e[1])
    return StreamEntry(Replies.string(e[0]), fields)
}

private fun entries(v: RespValue): List<StreamEntry> = Replies.elements(v).filter { it != RespValue.Null }.map(::entry)

/** XREAD/XREADGROUP: a RESP3 map or a RESP2 array of [key, entries]; null (timeout) is empty. */
private fun streamsReply(v: RespValue): Map<String, List<StreamEntry>> = when (v) {
    RespValue.Null -> emptyMap()
    is RespValue.Map -> v.entries.associateTo(LinkedHashMap()) { (k, x) -> Replies.string(k) to entries(x) }
    else -> Replies.elements(v).associateTo(LinkedHashMap()) { s ->
        val p = Replies.elements(s)
        if (p.size != 2) Replies.unexpected(s, "[stream, entries]")
        Replies.string(p[0]) to entries(p[1])
    }
}
