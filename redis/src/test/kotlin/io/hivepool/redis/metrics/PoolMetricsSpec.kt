@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.redis.metrics

import io.hivepool.pool.ConnectionCreateException
import io.hivepool.pool.ConnectionInfo
import io.hivepool.pool.ConnectionManager
import io.hivepool.pool.Pool
import io.hivepool.pool.PoolConfig
import io.hivepool.pool.PoolTimeoutException
import io.hivepool.pool.once
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.Tag
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.async
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** Integers as connections; each can be marked broken or failing its recycle, and create can be made to fail. */
private class IntManager : ConnectionManager<Int> {
    private val ids = AtomicInteger()
    val broken: MutableSet<Int> = ConcurrentHashMap.newKeySet()
    val failRecycle: MutableSet<Int> = ConcurrentHashMap.newKeySet()
    @Volatile var failCreate = false

    override suspend fun create(): Int {
        if (failCreate) throw IllegalStateException("no route to host")
        return ids.incrementAndGet()
    }

    override suspend fun recycle(conn: Int, info: ConnectionInfo): Boolean = conn !in failRecycle
    override fun isBroken(conn: Int): Boolean = conn in broken
    override suspend fun destroy(conn: Int) = Unit
}

private fun TestScope.pool(manager: ConnectionManager<Int>, configure: PoolConfig.Builder.() -> Unit = {}): Pool<Int> =
    Pool(manager) {
        name = "orders"
        scope = backgroundScope
        timeSource = testScheduler.timeSource
        configure()
    }

private const val POOL = "db.client.connection.pool.name"
private const val STATE = "db.client.connection.state"

private fun MeterRegistry.gauge(name: String, vararg tags: String): Double = get(name).tags(*tags).tag(POOL, "orders").gauge().value()
private fun MeterRegistry.count(name: String, vararg tags: String): Double =
    get(name).tags(*tags).tag(POOL, "orders").functionCounter().count()

class PoolMetricsSpec : FunSpec({
    test("the OpenTelemetry gauges follow the pool's idle and used connections, its limits and its waiters") {
        runTest {
            val pool = pool(IntManager()) { maxSize = 2; minIdle = 0; maxIdle = 1 }
            val registry = SimpleMeterRegistry()
            PoolMetrics(pool).bindTo(registry)

            val a = pool.acquire()
            val b = pool.acquire()
            a.release()
            val c = pool.acquire()
            val waiter = async { pool.acquire() }
            runCurrent()

            registry.gauge("db.client.connection.count", STATE, "idle") shouldBe 0.0
            registry.gauge("db.client.connection.count", STATE, "used") shouldBe 2.0
            registry.gauge("db.client.connection.pending_requests") shouldBe 1.0
            registry.gauge("db.client.connection.max") shouldBe 2.0
            registry.gauge("db.client.connection.idle.max") shouldBe 1.0
            registry.gauge("db.client.connection.idle.min") shouldBe 0.0

            b.release()
            waiter.await().release()
            c.release()
            registry.gauge("db.client.connection.count", STATE, "idle") shouldBe 1.0 // maxIdle = 1: the other was closed
            registry.gauge("db.client.connection.count", STATE, "used") shouldBe 0.0
            registry.gauge("db.client.connection.pending_requests") shouldBe 0.0
            registry.count("hivepool.pool.acquires", "result", "hit") shouldBe pool.stats.hits.toDouble()
            registry.count("hivepool.pool.acquires", "result", "miss") shouldBe pool.stats.misses.toDouble()
            registry.count("hivepool.pool.creates") shouldBe 2.0

            pool.resize(5)
            registry.gauge("db.client.connection.max") shouldBe 5.0
        }
    }

    test("every meter carries the pool tag and the extra tags") {
        runTest {
            val pool = pool(IntManager())
            val registry = SimpleMeterRegistry()
            PoolMetrics(pool, listOf(Tag.of("app", "shop"))).bindTo(registry)

            registry.meters.size shouldBe 18
            registry.meters.forEach { meter ->
                meter.id.getTag(POOL) shouldBe "orders"
                meter.id.getTag("app") shouldBe "shop"
            }
        }
    }

    test("timeouts and create failures are counted") {
        runTest {
            val manager = IntManager()
            val pool = pool(manager) {
                maxSize = 1
                acquireTimeout = 2.seconds
                createFailureThreshold = 100
            }
            val registry = SimpleMeterRegistry()
            PoolMetrics(pool).bindTo(registry)

            val held = pool.acquire()
            shouldThrow<PoolTimeoutException> { pool.acquire() }
            held.discard()
            runCurrent()
            manager.failCreate = true
            shouldThrow<ConnectionCreateException> { pool.acquire() }.message shouldBe
                "could not create a connection for pool orders: no route to host"

            registry.count("db.client.connection.timeouts") shouldBe 1.0
            registry.count("hivepool.pool.creates") shouldBe 1.0
            registry.count("hivepool.pool.create.failures") shouldBe 1.0
        }
    }

    test("destroys are counted by reason") {
        runTest {
            val manager = IntManager()
            val pool = pool(manager) { maxSize = 4; idleTimeout = 1.minutes }
            val registry = SimpleMeterRegistry()
            PoolMetrics(pool).bindTo(registry)

            val broken = pool.acquire()
            val recycled = pool.acquire()
            val idle = pool.acquire()
            manager.broken += broken.connection
            broken.release()
            manager.failRecycle += recycled.connection
            recycled.release()
            pool.acquire().release() // recycles (and destroys) the last one returned, then creates a fresh one
            idle.release()
            advanceTimeBy(2.minutes)
            pool.evictIdle()
            runCurrent()
            val beforeClose = pool.stats
            pool.close(grace = 1.seconds)
            runCurrent()

            registry.count("hivepool.pool.destroys", "reason", "broken") shouldBe 1.0
            registry.count("hivepool.pool.destroys", "reason", "recycle_failed") shouldBe 1.0
            registry.count("hivepool.pool.destroys", "reason", "idle") shouldBe beforeClose.destroyedIdle.toDouble()
            beforeClose.destroyedIdle shouldBe 2
            registry.count("hivepool.pool.destroys", "reason", "closed") shouldBe pool.stats.destroyedClosed.toDouble()
            registry.count("hivepool.pool.destroys", "reason", "ttl") shouldBe 0.0
        }
    }

    test("a connection past its ttl counts as a ttl destroy") {
        runTest {
            val pool = pool(IntManager()) { ttl = once() }
            val registry = SimpleMeterRegistry()
            PoolMetrics(pool).bindTo(registry)

            pool.acquire().release()
            runCurrent()

            registry.count("hivepool.pool.destroys", "reason", "ttl") shouldBe 1.0
        }
    }

    test("the wait_time timer counts queued acquires and their total time") {
        runTest {
            val pool = pool(IntManager()) { maxSize = 1 }
            val registry = SimpleMeterRegistry()
            PoolMetrics(pool).bindTo(registry)

            val held = pool.acquire()
            val waiter = async { pool.acquire() }
            runCurrent()
            advanceTimeBy(3.seconds)
            held.release()
            waiter.await().release()

            val timer = registry.get("db.client.connection.wait_time").tag(POOL, "orders").functionTimer()
            timer.count() shouldBe 1.0
            timer.totalTime(TimeUnit.SECONDS) shouldBe 3.0
        }
    }

    test("unbind removes every meter it registered, from every registry") {
        runTest {
            val pool = pool(IntManager())
            val first = SimpleMeterRegistry()
            val second = SimpleMeterRegistry()
            val metrics = PoolMetrics(pool)
            metrics.bindTo(first)
            metrics.bindTo(second)
            first.meters.map { it.id.name }.toSet() shouldContainExactlyInAnyOrder listOf(
                "db.client.connection.count", "db.client.connection.max", "db.client.connection.idle.max",
                "db.client.connection.idle.min", "db.client.connection.pending_requests", "db.client.connection.timeouts",
                "db.client.connection.wait_time", "hivepool.pool.acquires", "hivepool.pool.creates",
                "hivepool.pool.create.failures", "hivepool.pool.leaks", "hivepool.pool.destroys",
            )

            metrics.unbind()

            first.meters.shouldBeEmpty()
            second.meters.shouldBeEmpty()
        }
    }
})
