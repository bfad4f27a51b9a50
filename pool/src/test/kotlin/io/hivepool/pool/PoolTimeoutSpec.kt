@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import java.io.IOException
import kotlin.time.Duration
import kotlin.time.Duration.Companion.days
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** An acquire that waits longer than acquireTimeout fails with a PoolTimeoutException describing the pool. */
class PoolTimeoutSpec : FunSpec({

    test("acquire times out after acquireTimeout with a snapshot of the pool in the message") {
        poolTest {
            val pool = fakePool(FakeManager()) { name = "orders"; maxSize = 2; acquireTimeout = 2.seconds }
            pool.acquire()
            pool.acquire().release()
            pool.acquire()
            val error = shouldThrow<PoolTimeoutException> { pool.acquire() }
            currentTime shouldBe 2_000L
            error.message shouldBe
                "timed out after 2s waiting for a connection (pool=orders, size=2, idle=0, inUse=2, waiters=0)"
            error.cause.shouldBeNull()
        }
    }

    test("the snapshot counts the other callers still waiting") {
        poolTest {
            val pool = fakePool(FakeManager()) { name = "orders"; maxSize = 1; acquireTimeout = 2.seconds }
            pool.acquire()
            val first = async { runCatching { pool.acquire() } }
            runCurrent()
            launch { delay(500.milliseconds); runCatching { pool.acquire() } }
            advanceTimeBy(2_001.milliseconds)
            val error = first.await().exceptionOrNull().shouldBeInstanceOf<PoolTimeoutException>()
            error.message shouldBe
                "timed out after 2s waiting for a connection (pool=orders, size=1, idle=0, inUse=1, waiters=1)"
        }
    }

    test("the last create failure is the cause of the timeout") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) {
                maxSize = 2; acquireTimeout = 2.seconds; createTimeout = 10.seconds; createFailureThreshold = 10
            }
            pool.acquire()
            // The first caller's create fails after 1s; the second caller's create then hangs past its timeout.
            manager.script(Behavior.SlowThenFail(1.seconds, "connection refused"), Behavior.Never)
            val failing = async { runCatching { pool.acquire() } }
            advanceTimeBy(500.milliseconds)
            val error = shouldThrow<PoolTimeoutException> { pool.acquire() }
            failing.await().exceptionOrNull().shouldBeInstanceOf<ConnectionCreateException>()
            currentTime shouldBe 2_500L
            error.message shouldBe
                "timed out after 2s waiting for a connection (pool=test, size=2, idle=0, inUse=1, waiters=0)"
            error.cause.shouldBeInstanceOf<IOException>().message shouldBe "connection refused"
        }
    }

    test("timeouts are counted in the stats") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; acquireTimeout = 1.seconds }
            pool.acquire()
            repeat(3) { shouldThrow<PoolTimeoutException> { pool.acquire() } }
            pool.stats.timeouts shouldBe 3L
            pool.stats.waiters shouldBe 0
        }
    }

    test("a timed-out waiter does not take a connection released later") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; acquireTimeout = 1.seconds }
            val held = pool.acquire()
            shouldThrow<PoolTimeoutException> { pool.acquire() }
            held.release()
            pool.stats.idle shouldBe 1
            pool.acquire().connection shouldBe held.connection
        }
    }

    test("an infinite acquireTimeout waits as long as it takes") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; acquireTimeout = Duration.INFINITE; cleanupInterval = 1.hours }
            val held = pool.acquire()
            val waiter = async { pool.acquire() }
            advanceTimeBy(100.hours)
            waiter.isActive shouldBe true
            held.release()
            waiter.await().connection shouldBe held.connection
        }
    }

    test("an acquireTimeout past what nanoseconds can count waits as an infinite one, also back at the head after a failed check") {
        poolTest {
            // 400 years: more nanoseconds than a Long holds, so the waiter's deadline must saturate instead of
            // wrapping into the past, where the head-of-queue check after a failed hand-over would time it out at once.
            val manager = FakeManager()
            val pool = fakePool(manager) {
                maxSize = 1; acquireTimeout = (400 * 366).days; validateAfterIdle = Duration.ZERO; cleanupInterval = 1.hours
            }
            advanceTimeBy(10.hours) // the pool's clock is well past zero when the waiter starts
            val held = pool.acquire()
            val waiter = async { pool.acquire() }
            advanceTimeBy(100.hours)
            waiter.isActive shouldBe true
            manager.recycleResult = { false } // the hand-over fails its check: the waiter goes back to the head
            held.release()
            runCurrent()
            manager.recycleResult = { true }
            val lease = waiter.await()
            (lease.connection === held.connection) shouldBe false
        }
    }

    test("a waiter that starts late times out acquireTimeout after its own start, not the pool's") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; acquireTimeout = 2.seconds; cleanupInterval = 1.hours }
            advanceTimeBy(5.hours + 700.milliseconds) // not a multiple of the timeout job's 2 s naps
            pool.acquire()
            val started = currentTime
            shouldThrow<PoolTimeoutException> { pool.acquire() }
            currentTime - started shouldBe 2_000L
        }
    }
})
