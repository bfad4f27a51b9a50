package io.hivepool.redis.cluster.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RespValue
import io.hivepool.redis.internal.Replies

/**
 * `CLUSTER SHARDS` (Redis 7+): one entry per shard, `{slots: [start, end, start, end…], nodes: [{id, port, ip,
 * endpoint, hostname, role, replication-offset, health…}…]}` (a map in RESP3, a flat key/value array in RESP2).
 * Unlike CLUSTER SLOTS it names each node's health: replicas that are not `online` (`fail`/`failed`, `loading`)
 * are left out of the shard, so no read is sent to them. One exception: 7.0 reports every replica at replication
 * offset 0 as `loading`, which is also every in-sync replica of a primary that never wrote anything (offset 0
 * too); such a replica cannot be behind its primary, so it is kept. The primary is kept whatever its health (a
 * failed one answers errors that are retried, and the next read names its successor). Shards without slots are
 * dropped.
 */
internal object ClusterShards {
    val COMMAND: Command<RespValue> = Command(listOf("CLUSTER", "SHARDS")) { it }

    /** True when [e] says the server has no CLUSTER SHARDS (before 7.0): ask CLUSTER SLOTS instead. */
    fun isUnknown(e: Throwable): Boolean =
        e is RedisServerException && e.message.orEmpty().contains("unknown subcommand", ignoreCase = true)

    /**
     * The slot ranges of every shard. Node addresses: `endpoint` (the server's preferred endpoint, what CLUSTER SLOTS
     * would give), else `ip`, else [askedHost] when the node does not know its own (`?` or empty); the port is
     * `tls-port` when [tls] and the node has one, else `port`.
     */
    fun parse(reply: RespValue, askedHost: String, tls: Boolean): List<SlotRange> = Replies.elements(reply).flatMap { entry ->
        val fields = fields(entry)
        val slots = fields["slots"]?.let(Replies::elements).orEmpty().map { Replies.long(it).toInt() }
        if (slots.size % 2 != 0) Replies.unexpected(entry, "slots as start/end pairs")
        val nodes = fields["nodes"]?.let(Replies::elements) ?: Replies.unexpected(entry, "a shard with nodes")
        var primary: String? = null
        var primaryOffset: Long? = null
        val replicas = ArrayList<Pair<String, Map<String, RespValue>>>()
        for (node in nodes) {
            val n = fields(node)
            val address = address(n, askedHost, tls) ?: continue
            if (n["role"]?.let(Replies::stringOrNull) == "master") {
                primary = address
                primaryOffset = offset(n)
            } else {
                replicas += address to n
            }
        }
        val readable = replicas.filter { (_, n) ->
            when (n["health"]?.let(Replies::stringOrNull)) {
                "online" -> true
                "loading" -> offset(n) == 0L && primaryOffset == 0L
                else -> false
            }
        }.map { it.first }
        val shard = Shard(primary ?: return@flatMap emptyList(), readable)
        slots.chunked(2).map { (start, end) -> SlotRange(start, end, shard) }
    }

    private fun offset(node: Map<String, RespValue>): Long? = node["replication-offset"]?.let(Replies::longOrNull)

    private fun fields(value: RespValue): Map<String, RespValue> =
        Replies.pairs(value).associate { (k, v) -> Replies.string(k) to v }

    private fun address(node: Map<String, RespValue>, askedHost: String, tls: Boolean): String? {
        fun text(name: String) = node[name]?.let(Replies::stringOrNull)?.takeIf { it.isNotEmpty() && it != "?" }
        val host = text("endpoint") ?: text("ip") ?: askedHost
        val port = (if (tls) node["tls-port"]?.let(Replies::longOrNull) else null) ?: node["port"]?.let(Replies::longOrNull) ?: return null
        return ClusterSlots.hostAndPort(host, port.toInt())
    }
}
