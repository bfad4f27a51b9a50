package io.hivepool.redis.metrics

import io.hivepool.redis.RedisPool
import io.hivepool.redis.cluster.RedisClusterPool
import io.hivepool.redis.cluster.internal.NodePools
import io.hivepool.redis.cluster.internal.RealRedisClusterPool
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.Tag
import io.micrometer.core.instrument.Tags
import io.micrometer.core.instrument.binder.MeterBinder
import io.micrometer.observation.ObservationRegistry

/**
 * Publishes a [RedisClusterPool] to Micrometer: every node pool gets the meters of [RedisPoolMetrics] (pool figures,
 * connection create and lease timings, per-command durations), each tagged, besides the node pool's own
 * `db.client.connection.pool.name` and [tags]:
 *
 * | tag | value |
 * |---|---|
 * | `cluster` | the cluster's [io.hivepool.redis.cluster.RedisClusterConfig.name] |
 * | `node` | the node's `host:port` |
 * | `node.pool` | `primary` (the node's read-write pool) or `replica` (its READONLY pool for [io.hivepool.redis.cluster.ReadFrom] reads) |
 *
 * Sum over `node` for the whole cluster (the same figures as [RedisClusterPool.stats]). Node pools are opened
 * lazily, so a node's meters appear when its pool opens (the first command sent there, e.g. after a topology
 * refresh named a new node) and are removed when a topology read finds that the node left the cluster (closing
 * the cluster client leaves them in place until [unbind], as closing a pool does for [RedisPoolMetrics]). Commands
 * are timed on the node that ran them (a redirected command once per node tried).
 *
 * ```
 * RedisClusterMetrics(cluster).bindTo(meterRegistry)
 * ```
 * Java: `new RedisClusterMetrics(futureCluster.getClusterPool()).bindTo(registry)`.
 * micrometer-core is an optional dependency of hivepool-redis: add it to your build to use this class.
 */
public class RedisClusterMetrics @JvmOverloads constructor(
    private val cluster: RedisClusterPool,
    private val tags: Iterable<Tag> = emptyList(),
    private val commands: Boolean = true,
    private val observationRegistry: ObservationRegistry? = null,
) : MeterBinder {
    private val registries = mutableListOf<MeterRegistry>() // guarded by this
    private val nodes = HashMap<String, RedisPoolMetrics>() // guarded by this; key: the node pool's key

    private val listener = object : NodePools.Listener {
        override fun opened(key: String, pool: RedisPool) = synchronized(this@RedisClusterMetrics) { add(key, pool) }

        override fun left(key: String, pool: RedisPool) = synchronized(this@RedisClusterMetrics) { nodes.remove(key)?.unbind() ?: Unit }
    }

    /** Registers the meters of every node pool open now in [registry], and of every pool opened later. */
    override fun bindTo(registry: MeterRegistry) {
        val real = cluster as? RealRedisClusterPool ?: return
        synchronized(this) {
            if (registries.isEmpty()) real.pools.addListener(listener)
            registries += registry
            nodes.values.forEach { it.bindTo(registry) }
            // pools opened before the first bind; one opened meanwhile was added by the listener (add skips it)
            real.pools.all().forEach { (key, pool) -> add(key, pool) }
        }
    }

    /** Stops following the cluster and removes every meter this binder registered, from every registry. */
    public fun unbind() {
        (cluster as? RealRedisClusterPool)?.pools?.removeListener(listener)
        synchronized(this) {
            nodes.values.forEach { it.unbind() }
            nodes.clear()
            registries.clear()
        }
    }

    // guarded by this
    private fun add(key: String, pool: RedisPool) {
        if (key in nodes) return
        val replica = key.endsWith(NodePools.REPLICA)
        val nodeTags = Tags.of(tags).and(
            Tag.of("cluster", cluster.config.name),
            Tag.of("node", key.removeSuffix(NodePools.REPLICA)),
            Tag.of("node.pool", if (replica) "replica" else "primary"),
        )
        val metrics = RedisPoolMetrics(pool, nodeTags, commands, observationRegistry)
        nodes[key] = metrics
        registries.forEach { metrics.bindTo(it) }
    }
}
