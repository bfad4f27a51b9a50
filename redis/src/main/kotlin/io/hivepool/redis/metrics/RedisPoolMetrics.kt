package io.hivepool.redis.metrics

import io.hivepool.redis.RedisPool
import io.hivepool.redis.internal.RealRedisPool
import io.hivepool.redis.metrics.internal.MicrometerInstrumentation
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.Tag
import io.micrometer.core.instrument.binder.MeterBinder
import io.micrometer.observation.ObservationRegistry

/**
 * Publishes a [RedisPool] to Micrometer under the OpenTelemetry semantic conventions for database clients: every
 * meter of [PoolMetrics] (with `db.client.connection.count{state=used}` counting leased and shared connections,
 * and `hivepool.pool.shared` the shared ones alone), plus timings the pool measures while this binder is bound:
 *
 * | meter | type | what |
 * |---|---|---|
 * | `db.client.connection.create_time` | timer | opening a connection, handshake included |
 * | `db.client.connection.use_time` | timer | an exclusive lease taken by `use { }`, a transaction or a blocking command, from acquired to released |
 * | `db.client.operation.duration` | timer | one pool-level command (`pool.get(k)`, `pool.send(c)`, pipelines excluded), when [commands] is true |
 *
 * `db.client.operation.duration` is tagged `db.system.name=redis`, `db.operation.name` (`GET`, `CLIENT KILL`, …),
 * `db.namespace` (the db index), `server.address`, `server.port` (TCP only) and `error.type`: `none` on success,
 * the reply's error code for a server error (`WRONGTYPE`), `cancelled`, or the exception's class name.
 * Commands sent on a lease (`pool.use { it.get(k) }`) are not timed one by one: their lease is (`use_time`).
 *
 * Tracing: with an [observationRegistry], each pool-level command is also a Micrometer `Observation` named
 * `db.client.operation` (contextual name: the command name, low-cardinality key values as the timer's tags),
 * started on the caller's thread, so it becomes a child of the caller's current observation or span.
 *
 * ```
 * RedisPoolMetrics(pool, observationRegistry = observations).bindTo(meterRegistry)
 * ```
 *
 * Cost: unbound, the pool's hook points are a null check. Bound, a pool-level command reads the clock twice
 * and records into a timer looked up by command name (plus the observation, when asked for).
 */
public class RedisPoolMetrics @JvmOverloads constructor(
    private val pool: RedisPool,
    private val tags: Iterable<Tag> = emptyList(),
    private val commands: Boolean = true,
    private val observationRegistry: ObservationRegistry? = null,
) : MeterBinder {
    private val poolMeters = PoolMetrics(pool.pool, tags) { pool.connections.shared }
    private val instrumentation = MicrometerInstrumentation(pool.config, pool.name, tags, commands, observationRegistry)

    /** Registers the meters in [registry] and starts timing; bind to several registries to feed each. */
    override fun bindTo(registry: MeterRegistry) {
        poolMeters.bindTo(registry)
        instrumentation.bindTo(registry)
        val real = pool as? RealRedisPool ?: return
        real.instrumentation = instrumentation
    }

    /** Stops timing and removes every meter this binder registered, from every registry it was bound to. */
    public fun unbind() {
        (pool as? RealRedisPool)?.let { if (it.instrumentation === instrumentation) it.instrumentation = null }
        instrumentation.unbind()
        poolMeters.unbind()
    }
}
