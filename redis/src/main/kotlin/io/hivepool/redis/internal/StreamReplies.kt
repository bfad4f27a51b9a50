package io.hivepool.redis.internal

import io.hivepool.redis.AutoClaimed
import io.hivepool.redis.PendingEntry
import io.hivepool.redis.PendingSummary
import io.hivepool.redis.RespValue
import io.hivepool.redis.StreamEntry
import kotlin.time.Duration.Companion.milliseconds

/** Decoders of the stream commands' replies, RESP2 and RESP3 shapes alike. */
internal object StreamReplies {
    fun entry(v: RespValue): StreamEntry {
        val e = Replies.elements(v)
        if (e.size != 2) Replies.unexpected(v, "[id, fields]")
        val fields = if (e[1] == RespValue.Null) emptyMap() else Replies.stringMap(e[1])
        return StreamEntry(Replies.string(e[0]), fields)
    }

    fun entries(v: RespValue): List<StreamEntry> = Replies.elements(v).filter { it != RespValue.Null }.map(::entry)

    /** XREAD/XREADGROUP: a RESP3 map or a RESP2 array of [key, entries]; null (timeout) is empty. */
    fun streams(v: RespValue): Map<String, List<StreamEntry>> = when (v) {
        RespValue.Null -> emptyMap()
        is RespValue.Map -> v.entries.associateTo(LinkedHashMap()) { (k, x) -> Replies.string(k) to entries(x) }
        else -> Replies.elements(v).associateTo(LinkedHashMap()) { s ->
            val p = Replies.elements(s)
            if (p.size != 2) Replies.unexpected(s, "[stream, entries]")
            Replies.string(p[0]) to entries(p[1])
        }
    }

    fun pendingSummary(r: RespValue): PendingSummary {
        val e = Replies.elements(r)
        if (e.size != 4) Replies.unexpected(r, "[count, lowest, highest, consumers]")
        val consumers = Replies.elements(e[3]).associate { c ->
            val p = Replies.elements(c)
            Replies.string(p[0]) to Replies.long(p[1])
        }
        return PendingSummary(Replies.long(e[0]), Replies.stringOrNull(e[1]), Replies.stringOrNull(e[2]), consumers)
    }

    fun pendingEntries(r: RespValue): List<PendingEntry> = Replies.elements(r).map { item ->
        val p = Replies.elements(item)
        if (p.size != 4) Replies.unexpected(item, "[id, consumer, idle, deliveries]")
        PendingEntry(Replies.string(p[0]), Replies.string(p[1]), Replies.long(p[2]).milliseconds, Replies.long(p[3]))
    }

    fun autoClaimed(r: RespValue): AutoClaimed {
        val e = Replies.elements(r)
        if (e.size < 2) Replies.unexpected(r, "[next, entries, deleted]")
        return AutoClaimed(Replies.string(e[0]), entries(e[1]), if (e.size > 2) Replies.strings(e[2]) else emptyList())
    }
}
