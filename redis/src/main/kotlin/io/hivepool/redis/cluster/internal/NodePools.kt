package io.hivepool.redis.cluster.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.pool.PoolClosedException
import io.hivepool.pool.PoolStats
import io.hivepool.redis.RedisPool
import io.hivepool.redis.cluster.RedisClusterConfig
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.launch
import java.util.concurrent.ConcurrentHashMap

private val log = KotlinLogging.logger {}

/**
 * One [RedisPool] per node, made on first use from the cluster's node template, keyed by `host:port`; a replica
 * read by [io.hivepool.redis.cluster.ReadFrom] gets a second pool whose connections send READONLY (kept apart so
 * that primary-routed traffic never reads stale data from a node that was demoted meanwhile).
 * Pools of nodes that left the topology are closed in the background, waiting `commandTimeout` for leases.
 */
internal class NodePools(private val config: RedisClusterConfig, private val scope: CoroutineScope) {
    private val pools = ConcurrentHashMap<String, RedisPool>()

    @Volatile
    private var closed = false

    fun primary(node: String): RedisPool = pool(node, readOnly = false)

    fun replica(node: String): RedisPool = pool(node, readOnly = true)

    fun existing(node: String): RedisPool? = pools[node]

    private fun pool(node: String, readOnly: Boolean): RedisPool {
        val key = if (readOnly) "$node$REPLICA" else node
        pools[key]?.let { return it }
        if (closed) throw PoolClosedException("cluster client ${config.name} is closed")
        val created = pools.computeIfAbsent(key) {
            val (host, port) = ClusterSlots.split(node)
            RedisPool(config.node.forNode(host, port, readOnly, "${config.name}-$key"))
        }
        // close() may have run between the check and the insert: it must not leave this one open
        if (closed) created.close()
        return created
    }

    /** Closes (gracefully, in the background) the pools of nodes not in [live]. */
    fun retain(live: Set<String>) {
        for (key in pools.keys) {
            if (key.removeSuffix(REPLICA) in live) continue
            val gone = pools.remove(key) ?: continue
            log.info { "cluster ${config.name}: node $key left the topology; closing its pool" }
            scope.launch { gone.close(config.node.connection.commandTimeout) }
        }
    }

    fun stats(): Map<String, PoolStats> = pools.entries.associate { it.key to it.value.stats }

    fun close() {
        closed = true
        pools.values.forEach { it.close() }
        pools.clear()
    }

    suspend fun close(grace: kotlin.time.Duration) {
        closed = true
        val all = pools.values.toList()
        pools.clear()
        all.forEach { it.close(grace) }
    }

    private companion object {
        const val REPLICA = " (replica)"
    }
}
