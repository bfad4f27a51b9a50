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

    /** Told of every pool opened and of every pool closed because its node left (the metrics binder). */
    interface Listener {
        fun opened(key: String, pool: RedisPool)
        fun left(key: String, pool: RedisPool)
    }

    private val listeners = java.util.concurrent.CopyOnWriteArrayList<Listener>()

    fun addListener(listener: Listener) {
        listeners += listener
    }

    fun removeListener(listener: Listener) {
        listeners -= listener
    }

    /** Every pool open now, by key (`host:port`, or `host:port (replica)` for a read pool). */
    fun all(): Map<String, RedisPool> = HashMap(pools)

    @Volatile
    private var closed = false

    fun primary(node: String): RedisPool = pool(node, readOnly = false)

    fun replica(node: String): RedisPool = pool(node, readOnly = true)

    fun existing(node: String): RedisPool? = pools[node]

    private fun pool(node: String, readOnly: Boolean): RedisPool {
        val key = if (readOnly) "$node$REPLICA" else node
        pools[key]?.let { return it }
        if (closed) throw PoolClosedException("cluster client ${config.name} is closed")
        var made = false
        val created = pools.computeIfAbsent(key) {
            val (host, port) = ClusterSlots.split(node)
            made = true
            RedisPool(config.node.forNode(host, port, readOnly, "${config.name}-$key"))
        }
        // close() may have run between the check and the insert: it must not leave this one open
        if (closed) created.close()
        if (made) tell { it.opened(key, created) }
        return created
    }

    /** Closes (gracefully, in the background) the pools of nodes not in [live]. */
    fun retain(live: Set<String>) {
        for (key in pools.keys) {
            if (key.removeSuffix(REPLICA) in live) continue
            val gone = pools.remove(key) ?: continue
            log.info { "cluster ${config.name}: node $key left the topology; closing its pool" }
            tell { it.left(key, gone) }
            scope.launch { gone.close(config.node.connection.commandTimeout) }
        }
    }

    private inline fun tell(event: (Listener) -> Unit) {
        for (listener in listeners) {
            try {
                event(listener)
            } catch (e: Exception) {
                // metrics must never fail a command
                log.warn(e) { "cluster ${config.name}: a node pool listener failed" }
            }
        }
    }

    fun stats(): Map<String, PoolStats> = pools.entries.associate { it.key to it.value.stats }

    /** The sum of every open pool's stats (waitTimeMax: the largest). */
    fun total(): PoolStats = pools.values.map { it.stats }.fold(EMPTY) { a, b ->
        PoolStats(
            size = a.size + b.size, idle = a.idle + b.idle, inUse = a.inUse + b.inUse, waiters = a.waiters + b.waiters,
            creating = a.creating + b.creating, hits = a.hits + b.hits, misses = a.misses + b.misses,
            timeouts = a.timeouts + b.timeouts, waitCount = a.waitCount + b.waitCount,
            waitTimeTotal = a.waitTimeTotal + b.waitTimeTotal, waitTimeMax = maxOf(a.waitTimeMax, b.waitTimeMax),
            created = a.created + b.created, createFailures = a.createFailures + b.createFailures,
            destroyedIdle = a.destroyedIdle + b.destroyedIdle, destroyedTtl = a.destroyedTtl + b.destroyedTtl,
            destroyedBroken = a.destroyedBroken + b.destroyedBroken,
            destroyedRecycleFailed = a.destroyedRecycleFailed + b.destroyedRecycleFailed,
            destroyedClosed = a.destroyedClosed + b.destroyedClosed, leaksDetected = a.leaksDetected + b.leaksDetected,
        )
    }

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

    companion object {
        /** The suffix of a replica read pool's key. */
        const val REPLICA = " (replica)"

        private val EMPTY = PoolStats(
            0, 0, 0, 0, 0, 0, 0, 0, 0, kotlin.time.Duration.ZERO, kotlin.time.Duration.ZERO, 0, 0, 0, 0, 0, 0, 0, 0,
        )
    }
}
