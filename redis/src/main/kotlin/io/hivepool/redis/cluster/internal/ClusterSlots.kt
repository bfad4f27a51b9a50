package io.hivepool.redis.cluster.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RespValue
import io.hivepool.redis.internal.Replies

/** A primary (`host:port`) and its replicas: who serves a range of slots. */
internal class Shard(val primary: String, val replicas: List<String>) {
    override fun toString(): String = if (replicas.isEmpty()) primary else "$primary (replicas ${replicas.joinToString()})"
}

/** Slots [start]..[end] (inclusive) and who serves them. */
internal class SlotRange(val start: Int, val end: Int, val shard: Shard)

/**
 * `CLUSTER SLOTS`: `[[start, end, [host, port, id, …], [replica host, port, id, …]…]…]`. A node that does not
 * know its own address reports an empty host (6.x) or `?` (7.x): it is then the node that answered, [askedHost].
 * Works on every server from 3.0 on; read only when a node does not know CLUSTER SHARDS ([ClusterShards], 7.0+).
 */
internal object ClusterSlots {
    val COMMAND: Command<RespValue> = Command(listOf("CLUSTER", "SLOTS")) { it }

    fun parse(reply: RespValue, askedHost: String): List<SlotRange> = Replies.elements(reply).map { entry ->
        val e = Replies.elements(entry)
        if (e.size < 3) Replies.unexpected(entry, "[start, end, primary, replicas…]")
        val nodes = e.drop(2).map { node ->
            val n = Replies.elements(node)
            if (n.size < 2) Replies.unexpected(node, "[host, port, …]")
            val host = Replies.string(n[0]).takeIf { it.isNotEmpty() && it != "?" } ?: askedHost
            hostAndPort(host, Replies.long(n[1]).toInt())
        }
        SlotRange(Replies.long(e[0]).toInt(), Replies.long(e[1]).toInt(), Shard(nodes.first(), nodes.drop(1)))
    }

    fun hostAndPort(host: String, port: Int): String = if (host.contains(':')) "[$host]:$port" else "$host:$port"

    /** Splits `host:port` (or `[v6]:port`) in two. */
    fun split(node: String): Pair<String, Int> {
        val at = node.lastIndexOf(':')
        require(at > 0) { "not host:port: $node" }
        return node.substring(0, at).removePrefix("[").removeSuffix("]") to node.substring(at + 1).toInt()
    }
}

/** A `-MOVED <slot> <host:port>` or `-ASK <slot> <host:port>` reply, read. */
internal class Redirect(val slot: Int, val node: String) {
    companion object {
        /** Null when [message] is not a well-formed redirect. */
        fun parse(message: String, askedHost: String): Redirect? {
            val parts = message.split(' ')
            if (parts.size < 3) return null
            val slot = parts[1].toIntOrNull() ?: return null
            val at = parts[2].lastIndexOf(':')
            if (at < 0) return null
            val port = parts[2].substring(at + 1).toIntOrNull() ?: return null
            val host = parts[2].substring(0, at).removePrefix("[").removeSuffix("]").ifEmpty { askedHost }
            return Redirect(slot, ClusterSlots.hostAndPort(host, port))
        }
    }
}
