package io.hivepool.redis.metrics

import io.hivepool.pool.Pool
import io.hivepool.pool.PoolStats
import io.micrometer.core.instrument.FunctionCounter
import io.micrometer.core.instrument.FunctionTimer
import io.micrometer.core.instrument.Gauge
import io.micrometer.core.instrument.Meter
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.Tag
import io.micrometer.core.instrument.Tags
import io.micrometer.core.instrument.TimeGauge
import io.micrometer.core.instrument.binder.MeterBinder
import java.util.concurrent.TimeUnit

/**
 * Publishes a pool's [PoolStats] to Micrometer. Every meter is tagged `pool=<pool name>` plus [tags]:
 *
 * | meter | type | from |
 * |---|---|---|
 * | `hivepool.pool.size`, `.idle`, `.in.use`, `.waiters`, `.creating` | gauge | the same-named stats |
 * | `hivepool.pool.acquires` (`result=hit\|miss`) | function counter | hits, misses |
 * | `hivepool.pool.timeouts` | function counter | timeouts |
 * | `hivepool.pool.creates`, `hivepool.pool.create.failures` | function counter | created, createFailures |
 * | `hivepool.pool.destroys` (`reason=idle\|ttl\|broken\|recycle_failed\|closed`) | function counter | destroyed* |
 * | `hivepool.pool.leaks` | function counter | leaksDetected |
 * | `hivepool.pool.wait` | function timer | waitCount, waitTimeTotal |
 * | `hivepool.pool.wait.max` | time gauge | waitTimeMax |
 *
 * ```
 * PoolMetrics(redisPool.pool).bindTo(meterRegistry)
 * ```
 *
 * Micrometer holds the pool weakly: the registry does not keep a discarded pool alive. Every meter reads
 * [Pool.stats] when the registry polls it, so values are as eventually consistent as [PoolStats].
 * micrometer-core is an optional dependency of hivepool-redis: add it to your build to use this class.
 */
public class PoolMetrics(
    private val pool: Pool<*>,
    private val tags: Iterable<Tag> = emptyList(),
) : MeterBinder {
    private val registered = mutableListOf<Pair<MeterRegistry, Meter>>() // guarded by this

    override fun bindTo(registry: MeterRegistry) {
        val all = Tags.of(tags).and(POOL_TAG, pool.name)
        val meters = buildList {
            add(gauge(registry, all, "hivepool.pool.size", "connections alive: idle + in use + being created") { size })
            add(gauge(registry, all, "hivepool.pool.idle", "connections idle in the pool") { idle })
            add(gauge(registry, all, "hivepool.pool.in.use", "connections leased") { inUse })
            add(gauge(registry, all, "hivepool.pool.waiters", "callers queued for a connection") { waiters })
            add(gauge(registry, all, "hivepool.pool.creating", "connections being created") { creating })

            add(counter(registry, all.and("result", "hit"), "hivepool.pool.acquires", ACQUIRES) { hits })
            add(counter(registry, all.and("result", "miss"), "hivepool.pool.acquires", ACQUIRES) { misses })
            add(counter(registry, all, "hivepool.pool.timeouts", "acquires that timed out") { timeouts })
            add(counter(registry, all, "hivepool.pool.creates", "connections created") { created })
            add(counter(registry, all, "hivepool.pool.create.failures", "connection creates that failed") { createFailures })
            add(counter(registry, all, "hivepool.pool.leaks", "leases held past leakDetectionThreshold") { leaksDetected })
            DESTROY_REASONS.forEach { (reason, read) ->
                add(counter(registry, all.and("reason", reason), "hivepool.pool.destroys", DESTROYS, read))
            }

            add(
                FunctionTimer.builder(
                    "hivepool.pool.wait", pool,
                    { it.stats.waitCount },
                    { it.stats.waitTimeTotal.inWholeNanoseconds.toDouble() },
                    TimeUnit.NANOSECONDS,
                ).tags(all).description("time acquires spent queued for a connection").register(registry),
            )
            add(
                TimeGauge.builder(
                    "hivepool.pool.wait.max", pool, TimeUnit.NANOSECONDS,
                ) { it.stats.waitTimeMax.inWholeNanoseconds.toDouble() }
                    .tags(all).description("longest wait for a connection so far").register(registry),
            )
        }
        synchronized(this) { meters.forEach { registered += registry to it } }
    }

    /**
     * Removes every meter this binder registered from the registries it was bound to, e.g. after the pool
     * is closed. Binding again afterwards registers fresh meters.
     */
    public fun unbind() {
        val meters = synchronized(this) { registered.toList().also { registered.clear() } }
        meters.forEach { (registry, meter) -> registry.remove(meter) }
    }

    private fun gauge(registry: MeterRegistry, tags: Tags, name: String, description: String, read: PoolStats.() -> Int): Meter =
        Gauge.builder(name, pool) { it.stats.read().toDouble() }
            .tags(tags).description(description).baseUnit(CONNECTIONS).register(registry)

    private fun counter(registry: MeterRegistry, tags: Tags, name: String, description: String, read: PoolStats.() -> Long): Meter =
        FunctionCounter.builder(name, pool) { it.stats.read().toDouble() }
            .tags(tags).description(description).register(registry)

    private companion object {
        const val POOL_TAG = "pool"
        const val CONNECTIONS = "connections"
        const val ACQUIRES = "acquires served by an idle connection (hit) or by waiting or creating (miss)"
        const val DESTROYS = "connections destroyed, by reason"
        val DESTROY_REASONS: List<Pair<String, PoolStats.() -> Long>> = listOf(
            "idle" to { destroyedIdle },
            "ttl" to { destroyedTtl },
            "broken" to { destroyedBroken },
            "recycle_failed" to { destroyedRecycleFailed },
            "closed" to { destroyedClosed },
        )
    }
}
