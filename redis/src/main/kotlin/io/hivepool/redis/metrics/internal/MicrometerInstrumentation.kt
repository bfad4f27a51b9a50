package io.hivepool.redis.metrics.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisPoolConfig
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.internal.PoolInstrumentation
import io.hivepool.redis.metrics.PoolMetrics
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.Tag
import io.micrometer.core.instrument.Tags
import io.micrometer.core.instrument.Timer
import io.micrometer.observation.Observation
import io.micrometer.observation.ObservationRegistry
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.TimeUnit
import kotlin.coroutines.cancellation.CancellationException

/** Times a Redis pool's commands, connection creates and leases into every registry it is bound to. */
internal class MicrometerInstrumentation(
    config: RedisPoolConfig,
    poolName: String,
    tags: Iterable<Tag>,
    private val commands: Boolean,
    private val observations: ObservationRegistry?,
) : PoolInstrumentation {
    private val poolTags = Tags.of(tags).and(PoolMetrics.POOL_NAME, poolName)
    private val serverTags: Tags = config.connection.let { c ->
        val base = Tags.of(DB_SYSTEM, "redis", "db.namespace", c.db.toString())
        val socket = c.unixSocket
        if (socket != null) base.and("server.address", socket.toString()) else base.and("server.address", c.host, "server.port", c.port.toString())
    }

    /** One per registry bound; guarded by itself for writes, read lock-free. */
    private val sinks = CopyOnWriteArrayList<Sink>()

    private inner class Sink(val registry: MeterRegistry) {
        val createTime: Timer = Timer.builder("db.client.connection.create_time").tags(poolTags)
            .description("time to open a connection, handshake included").register(registry)
        val useTime: Timer = Timer.builder("db.client.connection.use_time").tags(poolTags)
            .description("time an exclusive lease was held").register(registry)
        val operations = ConcurrentHashMap<String, Timer>() // "GET" or "GET\u0000WRONGTYPE" -> its timer

        fun operation(name: String, errorType: String): Timer {
            val key = if (errorType == NONE) name else "$name\u0000$errorType"
            return operations.getOrPut(key) {
                Timer.builder(OPERATION).tags(poolTags).tags(serverTags)
                    .tag("db.operation.name", name).tag("error.type", errorType)
                    .description("duration of one pool-level command").register(registry)
            }
        }

        fun remove() {
            registry.remove(createTime)
            registry.remove(useTime)
            operations.values.forEach { registry.remove(it) }
        }
    }

    private class Started(val name: String, val startNanos: Long, val observation: Observation?)

    fun bindTo(registry: MeterRegistry) {
        synchronized(sinks) { sinks += Sink(registry) }
    }

    fun unbind() {
        val gone = synchronized(sinks) { sinks.toList().also { sinks.clear() } }
        gone.forEach { it.remove() }
    }

    override fun commandStarted(command: Command<*>): Any? {
        if (!commands && observations == null) return null
        val name = command.name
        val observation = observations?.let { registry ->
            Observation.createNotStarted(OBSERVATION, registry)
                .contextualName(name)
                .lowCardinalityKeyValue("db.operation.name", name)
                .lowCardinalityKeyValue(DB_SYSTEM, "redis")
                .also { o -> serverTags.forEach { o.lowCardinalityKeyValue(it.key, it.value) } }
                .also { o -> poolTags.forEach { o.lowCardinalityKeyValue(it.key, it.value) } }
                .start()
        }
        return Started(name, System.nanoTime(), observation)
    }

    override fun commandEnded(token: Any?, error: Throwable?) {
        val started = token as? Started ?: return
        val nanos = System.nanoTime() - started.startNanos
        val errorType = error?.let(::errorType) ?: NONE
        if (commands) for (sink in sinks) sink.operation(started.name, errorType).record(nanos, TimeUnit.NANOSECONDS)
        started.observation?.let { o ->
            if (error != null) {
                o.lowCardinalityKeyValue("error.type", errorType)
                if (error !is CancellationException) o.error(error)
            }
            o.stop()
        }
    }

    override fun connectionCreated(nanos: Long) {
        for (sink in sinks) sink.createTime.record(nanos, TimeUnit.NANOSECONDS)
    }

    override fun leaseUsed(nanos: Long) {
        for (sink in sinks) sink.useTime.record(nanos, TimeUnit.NANOSECONDS)
    }

    private fun errorType(e: Throwable): String = when (e) {
        is RedisServerException -> e.code
        is CancellationException -> "cancelled"
        else -> e::class.simpleName ?: "unknown"
    }

    private companion object {
        const val OPERATION = "db.client.operation.duration"
        const val OBSERVATION = "db.client.operation"
        const val DB_SYSTEM = "db.system.name"
        const val NONE = "none"
    }
}
