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
import io.micrometer.core.instrument.binder.MeterBinder
import java.util.concurrent.TimeUnit

/**
 * Publishes a pool's figures to Micrometer under the OpenTelemetry semantic conventions for database client
 * connection pools, so dashboards built for other clients read them unchanged. Every meter is tagged
 * `db.client.connection.pool.name=<pool name>` plus [tags]:
 *
 * | meter | type | from |
 * |---|---|---|
 * | `db.client.connection.count` (`db.client.connection.state=idle\|used`) | gauge | idle; inUse |
 * | `db.client.connection.max`, `.idle.max`, `.idle.min` | gauge | the config's maxSize, maxIdle, minIdle |
 * | `db.client.connection.pending_requests` | gauge | waiters |
 * | `db.client.connection.timeouts` | function counter | timeouts |
 * | `db.client.connection.wait_time` | function timer | waitCount, waitTimeTotal |
 * | `hivepool.pool.acquires` (`result=hit\|miss`) | function counter | hits, misses |
 * | `hivepool.pool.creates`, `hivepool.pool.create.failures` | function counter | created, createFailures |
 * | `hivepool.pool.destroys` (`reason=idle\|ttl\|broken\|recycle_failed\|closed`) | function counter | destroyed* |
 * | `hivepool.pool.leaks` | function counter | leaksDetected |
 *
 * The `hivepool.pool.*` meters have no OpenTelemetry counterpart. `create_time` and `use_time` need timings the
 * generic pool does not keep: [RedisPoolMetrics] adds them (and per-command durations) for a Redis pool.
 *
 * ```
 * PoolMetrics(pool).bindTo(meterRegistry)
 * ```
 *
 * Micrometer holds the pool weakly: the registry does not keep a discarded pool alive. Every meter reads
 * [Pool.stats] when the registry polls it, so values are as eventually consistent as [PoolStats].
 * micrometer-core is an optional dependency of hivepool-redis: add it to your build to use this class.
 */
public class PoolMetrics internal constructor(
    private val pool: Pool<*>,
    private val tags: Iterable<Tag>,
    /** Connections of the pool's own [PoolStats.inUse] that are not leases (a Redis pool's shared ones). */
    private val shared: (() -> Int)?,
) : MeterBinder {
    public constructor(pool: Pool<*>, tags: Iterable<Tag> = emptyList()) : this(pool, tags, null)

    private val registered = mutableListOf<Pair<MeterRegistry, Meter>>() // guarded by this

    override fun bindTo(registry: MeterRegistry) {
        val all = Tags.of(tags).and(POOL_NAME, pool.name)
        val meters = buildList {
            add(gauge(registry, all.and(STATE, "idle"), COUNT, COUNT_HELP) { it.stats.idle })
            add(gauge(registry, all.and(STATE, "used"), COUNT, COUNT_HELP) { it.stats.inUse })
            add(gauge(registry, all, "db.client.connection.max", "the most connections allowed") { it.config.maxSize })
            add(gauge(registry, all, "db.client.connection.idle.max", "the most idle connections kept") { it.config.maxIdle.coerceAtMost(it.config.maxSize) })
            add(gauge(registry, all, "db.client.connection.idle.min", "idle connections kept warm") { it.config.minIdle })
            add(gauge(registry, all, "db.client.connection.pending_requests", "callers waiting for a connection", REQUESTS) { it.stats.waiters })
            shared?.let { read ->
                add(gauge(registry, all, "hivepool.pool.shared", "used connections carrying pool-level (multiplexed) commands") { read() })
            }

            add(counter(registry, all, "db.client.connection.timeouts", "acquires that timed out", "{timeout}") { timeouts })
            add(
                FunctionTimer.builder(
                    "db.client.connection.wait_time", pool,
                    { it.stats.waitCount },
                    { it.stats.waitTimeTotal.inWholeNanoseconds.toDouble() },
                    TimeUnit.NANOSECONDS,
                ).tags(all).description("time acquires spent queued for a connection").register(registry),
            )

            add(counter(registry, all.and("result", "hit"), "hivepool.pool.acquires", ACQUIRES) { hits })
            add(counter(registry, all.and("result", "miss"), "hivepool.pool.acquires", ACQUIRES) { misses })
            add(counter(registry, all, "hivepool.pool.creates", "connections created") { created })
            add(counter(registry, all, "hivepool.pool.create.failures", "connection creates that failed") { createFailures })
            add(counter(registry, all, "hivepool.pool.leaks", "leases held past leakDetectionThreshold") { leaksDetected })
            DESTROY_REASONS.forEach { (reason, read) ->
                add(counter(registry, all.and("reason", reason), "hivepool.pool.destroys", DESTROYS, read = read))
            }
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

    private fun gauge(
        registry: MeterRegistry, tags: Tags, name: String, description: String, unit: String = CONNECTIONS,
        read: (Pool<*>) -> Int,
    ): Meter = Gauge.builder(name, pool) { read(it).toDouble() }
        .tags(tags).description(description).baseUnit(unit).register(registry)

    private fun counter(
        registry: MeterRegistry, tags: Tags, name: String, description: String, unit: String? = null,
        read: PoolStats.() -> Long,
    ): Meter = FunctionCounter.builder(name, pool) { it.stats.read().toDouble() }
        .tags(tags).description(description).baseUnit(unit).register(registry)

    internal companion object {
        const val POOL_NAME = "db.client.connection.pool.name"
        const val STATE = "db.client.connection.state"
        const val COUNT = "db.client.connection.count"
        const val COUNT_HELP = "connections in each state"
        const val CONNECTIONS = "{connection}"
        const val REQUESTS = "{request}"
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
