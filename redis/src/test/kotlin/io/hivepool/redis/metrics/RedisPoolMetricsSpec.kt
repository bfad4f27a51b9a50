package io.hivepool.redis.metrics

import io.hivepool.redis.RedisServerException
import io.hivepool.redis.get
import io.hivepool.redis.internal.RealRedisPool
import io.hivepool.redis.lpush
import io.hivepool.redis.ping
import io.hivepool.redis.pool.withPool
import io.hivepool.redis.set
import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import io.micrometer.observation.Observation
import io.micrometer.observation.ObservationHandler
import io.micrometer.observation.ObservationRegistry
import java.util.concurrent.CopyOnWriteArrayList

private const val POOL = "db.client.connection.pool.name"

private fun MeterRegistry.operation(name: String, errorType: String = "none") =
    get("db.client.operation.duration").tag(POOL, "metrics").tag("db.operation.name", name).tag("error.type", errorType).timer()

class RedisPoolMetricsSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("shared connections count as used and are published on their own") {
        withPool({ uri = server.uri; name = "metrics"; maxSize = 8 }) { pool ->
            val registry = SimpleMeterRegistry()
            RedisPoolMetrics(pool).bindTo(registry)
            pool.ping()
            pool.use { it.ping() }

            registry.get("db.client.connection.count").tag(POOL, "metrics").tag("db.client.connection.state", "used").gauge().value() shouldBe 1.0
            registry.get("db.client.connection.count").tag(POOL, "metrics").tag("db.client.connection.state", "idle").gauge().value() shouldBe 1.0
            registry.get("hivepool.pool.shared").tag(POOL, "metrics").gauge().value() shouldBe 1.0
            registry.get("db.client.connection.max").tag(POOL, "metrics").gauge().value() shouldBe 8.0
        }
    }

    test("pool-level commands are timed per command name, with OpenTelemetry's tags and the error code of a failure") {
        withPool({ uri = server.uri; name = "metrics" }) { pool ->
            val registry = SimpleMeterRegistry()
            RedisPoolMetrics(pool).bindTo(registry)
            pool.set("rpm:s", "v")
            pool.get("rpm:s")
            pool.get("rpm:missing")
            shouldThrow<RedisServerException> { pool.lpush("rpm:s", "x") }

            val get = registry.operation("GET")
            get.count() shouldBe 2
            get.id.tags.associate { it.key to it.value } shouldBe mapOf(
                POOL to "metrics", "db.system.name" to "redis", "db.namespace" to "0", "server.address" to "127.0.0.1",
                "server.port" to server.port.toString(), "db.operation.name" to "GET", "error.type" to "none",
            )
            registry.operation("SET").count() shouldBe 1
            registry.operation("LPUSH", "WRONGTYPE").count() shouldBe 1
            registry.find("db.client.operation.duration").tag("db.operation.name", "LPUSH").tag("error.type", "none").timer() shouldBe null
        }
    }

    test("connection creates and exclusive leases are timed") {
        withPool({ uri = server.uri; name = "metrics"; maxSize = 4 }) { pool ->
            val registry = SimpleMeterRegistry()
            RedisPoolMetrics(pool, commands = false).bindTo(registry)
            val held = pool.acquire() // opens the first connection; acquire() leases are not timed
            pool.use { it.ping() } // opens a second one
            held.release()
            pool.use { it.ping() }
            pool.ping() // the shared connection is an idle one: nothing opened

            registry.get("db.client.connection.create_time").tag(POOL, "metrics").timer().count() shouldBe pool.stats.created
            pool.stats.created shouldBe 2
            registry.get("db.client.connection.use_time").tag(POOL, "metrics").timer().count() shouldBe 2
            registry.find("db.client.operation.duration").timer() shouldBe null // commands = false
        }
    }

    test("with an ObservationRegistry each pool-level command is an observation, failures carry their error") {
        withPool({ uri = server.uri; name = "metrics" }) { pool ->
            val seen = CopyOnWriteArrayList<Observation.Context>()
            val observations = ObservationRegistry.create()
            observations.observationConfig().observationHandler(object : ObservationHandler<Observation.Context> {
                override fun supportsContext(context: Observation.Context): Boolean = true
                override fun onStop(context: Observation.Context) {
                    seen += context
                }
            })
            RedisPoolMetrics(pool, observationRegistry = observations).bindTo(SimpleMeterRegistry())
            pool.set("rpm:o", "v")
            shouldThrow<RedisServerException> { pool.lpush("rpm:o", "x") }

            seen.map { it.name } shouldContainExactly listOf("db.client.operation", "db.client.operation")
            seen.map { it.contextualName } shouldContainExactly listOf("SET", "LPUSH")
            seen[0].getLowCardinalityKeyValue("db.operation.name")?.value shouldBe "SET"
            seen[0].getLowCardinalityKeyValue("db.system.name")?.value shouldBe "redis"
            seen[0].error shouldBe null
            seen[1].error.shouldBeInstanceOf<RedisServerException>()
            seen[1].getLowCardinalityKeyValue("error.type")?.value shouldBe "WRONGTYPE"
        }
    }

    test("the pool has no hook until bound, and none after unbind, which removes every meter") {
        withPool({ uri = server.uri; name = "metrics" }) { pool ->
            val real = pool as RealRedisPool
            real.instrumentation shouldBe null
            val registry = SimpleMeterRegistry()
            val metrics = RedisPoolMetrics(pool)
            metrics.bindTo(registry)
            pool.get("rpm:k")
            (real.instrumentation != null) shouldBe true

            metrics.unbind()

            real.instrumentation shouldBe null
            registry.meters.shouldBeEmpty()
            pool.get("rpm:k")
            registry.meters.shouldBeEmpty()
        }
    }
})
