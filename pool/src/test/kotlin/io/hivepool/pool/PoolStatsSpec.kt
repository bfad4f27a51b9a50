@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.async
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** PoolStats gauges and counters match what happened, exactly, on virtual time. */
class PoolStatsSpec : FunSpec({

    test("a fresh pool reports all zeros") {
        poolTest {
            val stats = fakePool(FakeManager()).stats
            stats shouldBe PoolStats(
                size = 0, idle = 0, inUse = 0, waiters = 0, creating = 0,
                hits = 0, misses = 0, timeouts = 0, waitCount = 0,
                waitTimeTotal = Duration.ZERO, waitTimeMax = Duration.ZERO,
                created = 0, createFailures = 0,
                destroyedIdle = 0, destroyedTtl = 0, destroyedBroken = 0, destroyedRecycleFailed = 0,
                destroyedClosed = 0, leaksDetected = 0,
            )
        }
    }

    test("an acquire served by an idle connection is a hit and one that creates is a miss") {
        poolTest {
            val pool = fakePool(FakeManager())
            pool.acquire().release()
            pool.stats.misses shouldBe 1L
            pool.stats.hits shouldBe 0L
            pool.acquire().release()
            pool.acquire().release()
            pool.stats.hits shouldBe 2L
            pool.stats.misses shouldBe 1L
            pool.stats.created shouldBe 1L
        }
    }

    test("gauges show idle, leased, creating and waiting connections") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 3; acquireTimeout = 1.hours }
            val held = pool.acquire()
            pool.acquire().release()
            manager.onCreate = Behavior.Slow(5.seconds)
            pool.acquire()
            // A third caller needs a new connection; a fourth waits behind it.
            launch { pool.acquire() }
            launch { pool.acquire() }
            runCurrent()
            val stats = pool.stats
            stats.idle shouldBe 0
            stats.inUse shouldBe 2
            stats.creating shouldBe 1
            stats.size shouldBe 3
            // Both callers are suspended in acquire(): one for the create in flight, one behind it.
            stats.waiters shouldBe 2
            held.release()
        }
    }

    test("wait counts and wait times are measured on the pool's clock") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; minIdle = 1 }
            runCurrent()
            // Warmed by the filler, so this acquire is a hit and never waits.
            val held = pool.acquire()
            val first = async { pool.acquire() }
            val second = async { pool.acquire() }
            runCurrent()
            advanceTimeBy(3.seconds)
            held.release()
            runCurrent()
            advanceTimeBy(2.seconds)
            first.await().release()
            second.await().release()
            val stats = pool.stats
            stats.waitCount shouldBe 2L
            stats.waitTimeMax shouldBe 5.seconds
            stats.waitTimeTotal shouldBe 8.seconds
            stats.hits shouldBe 1L
            stats.misses shouldBe 2L
        }
    }

    test("destroyed counters are split by reason and sum to destroyed") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 5; idleTimeout = 1.minutes; cleanupInterval = 1.hours }
            // broken
            pool.acquire().discard()
            // idle
            pool.acquire().release()
            advanceTimeBy(2.minutes)
            pool.evictIdle()
            // recycle failed
            pool.acquire().release()
            manager.recycleResult = { false }
            pool.acquire().release()
            manager.recycleResult = { true }
            // closed
            pool.close()
            runCurrent()
            val stats = pool.stats
            stats.destroyedBroken shouldBe 1L
            stats.destroyedIdle shouldBe 1L
            stats.destroyedRecycleFailed shouldBe 1L
            stats.destroyedClosed shouldBe 1L
            stats.destroyedTtl shouldBe 0L
            stats.destroyed shouldBe 4L
            stats.created shouldBe 4L
            manager.destroyed shouldBe 4
        }
    }

    test("create failures and timeouts are counted") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 1; acquireTimeout = 1.seconds; createFailureThreshold = 10 }
            manager.script(Behavior.Fail(), Behavior.Fail())
            repeat(2) { runCatching { pool.acquire() } }
            val held = pool.acquire()
            runCatching { pool.acquire() }
            val stats = pool.stats
            stats.createFailures shouldBe 2L
            stats.created shouldBe 1L
            stats.timeouts shouldBe 1L
            held.release()
        }
    }

    test("connection info reports id, age, idle time and use count on the pool's clock") {
        poolTest {
            val pool = fakePool(FakeManager()) { validateAfterIdle = 1.hours }
            val first = pool.acquire()
            first.info.id shouldBe 1L
            first.info.useCount shouldBe 1L
            advanceTimeBy(3.seconds)
            first.release()
            advanceTimeBy(2.seconds)
            val again = pool.acquire()
            again.info.id shouldBe 1L
            again.info.age shouldBe 5.seconds
            again.info.useCount shouldBe 2L
            again.info.idleTime shouldBe Duration.ZERO
        }
    }
})
