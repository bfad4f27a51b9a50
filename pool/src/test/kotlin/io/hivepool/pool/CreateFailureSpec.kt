@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.async
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import java.io.IOException
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/**
 * Invariant 8: create failures never hang callers; after N consecutive failures the pool fails fast with the last
 * cause for a backoff window while one probe dials; it recovers by itself and never latches shut.
 */
class CreateFailureSpec : FunSpec({

    test("a failed create surfaces at once as ConnectionCreateException carrying the cause") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Fail("connection refused") }
            val pool = fakePool(manager)
            val error = shouldThrow<ConnectionCreateException> { pool.acquire() }
            error.message shouldBe "could not create a connection for pool test: connection refused"
            error.cause.shouldBeInstanceOf<IOException>().message shouldBe "connection refused"
            currentTime shouldBe 0L
            pool.stats.createFailures shouldBe 1L
            pool.stats.size shouldBe 0
        }
    }

    test("a failed create gives its place back") {
        poolTest {
            val manager = FakeManager()
            manager.script(Behavior.Fail())
            val pool = fakePool(manager) { maxSize = 1 }
            shouldThrow<ConnectionCreateException> { pool.acquire() }
            pool.acquire().connection.id shouldBe 1
        }
    }

    test("after threshold consecutive failures acquires fail at once with the last cause and do not dial") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Fail("connection refused") }
            val pool = fakePool(manager) { createFailureThreshold = 3; createBackoff = 5.seconds }
            failThreshold(pool, 3)
            manager.createCalls shouldBe 3
            repeat(10) {
                val error = shouldThrow<ConnectionCreateException> { pool.acquire() }
                error.message shouldBe "could not create a connection for pool test: connection refused"
                error.cause.shouldBeInstanceOf<IOException>()
            }
            currentTime shouldBe 0L
            // At most the one probe of this window may have dialled.
            manager.createCalls shouldBeLessThanOrEqual 4
        }
    }

    test("while failing fast only one probe dials per backoff window") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Fail() }
            val pool = fakePool(manager) { createFailureThreshold = 3; createBackoff = 1.seconds }
            failThreshold(pool, 3)
            repeat(100) {
                runCatching { pool.acquire() }
                advanceTimeBy(100.milliseconds)
            }
            runCurrent()
            // 10 seconds of hammering: one probe per 1s window, plus the window already open.
            (manager.createCalls - 3) shouldBeLessThanOrEqual 11
            (manager.createCalls - 3) shouldBeGreaterThan 0
            pool.stats.createFailures shouldBe manager.failedCreates.toLong()
        }
    }

    test("the pool recovers by itself when a probe succeeds") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Fail() }
            val pool = fakePool(manager) { createFailureThreshold = 2; createBackoff = 1.seconds }
            failThreshold(pool, 2)
            shouldThrow<ConnectionCreateException> { pool.acquire() }
            manager.onCreate = Behavior.Succeed
            advanceTimeBy(2.5.seconds)
            runCurrent()
            val lease = pool.acquire()
            lease.connection.destroyed shouldBe false
            lease.release()
            repeat(5) { pool.acquire().release() }
        }
    }

    test("the pool never latches shut after a long outage") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Fail() }
            val pool = fakePool(manager) { createFailureThreshold = 1; createBackoff = 1.seconds }
            repeat(60) {
                runCatching { pool.acquire() }
                advanceTimeBy(1.seconds)
            }
            manager.onCreate = Behavior.Succeed
            advanceTimeBy(3.seconds)
            pool.acquire().connection.destroyed shouldBe false
        }
    }

    test("a success resets the count of consecutive failures") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { createFailureThreshold = 3; createBackoff = 1.minutes }
            manager.script(Behavior.Fail(), Behavior.Fail(), Behavior.Succeed, Behavior.Fail(), Behavior.Fail())
            repeat(2) { shouldThrow<ConnectionCreateException> { pool.acquire() } }
            pool.acquire().discard()
            repeat(2) { shouldThrow<ConnectionCreateException> { pool.acquire() } }
            // Only two failures in a row since the success: this acquire still dials, and succeeds.
            pool.acquire().connection.destroyed shouldBe false
            manager.createCalls shouldBe 6
        }
    }

    test("a create that never returns fails after createTimeout and is cancelled") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Never }
            val pool = fakePool(manager) { createTimeout = 1.seconds; acquireTimeout = 30.seconds }
            val error = shouldThrow<ConnectionCreateException> { pool.acquire() }
            error.message!!.startsWith("could not create a connection for pool test: ") shouldBe true
            currentTime shouldBe 1_000L
            runCurrent()
            manager.creatingNow shouldBe 0
            pool.stats.createFailures shouldBe 1L
            pool.stats.creating shouldBe 0
        }
    }

    test("many callers facing slow failing creates all finish without hanging") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.SlowThenFail(300.milliseconds) }
            val pool = fakePool(manager) { maxSize = 3; acquireTimeout = 5.seconds }
            val callers = List(20) { async { runCatching { pool.acquire() } } }
            advanceTimeBy(6.seconds)
            runCurrent()
            callers.forEach { caller ->
                caller.isCompleted shouldBe true
                caller.await().exceptionOrNull().shouldBeInstanceOf<PoolException>()
            }
            pool.stats.waiters shouldBe 0
            pool.stats.size shouldBe 0
            manager.shouldHaveNoViolations()
        }
    }
})

private suspend fun TestScope.failThreshold(pool: Pool<FakeConn>, threshold: Int) {
    repeat(threshold) { shouldThrow<ConnectionCreateException> { pool.acquire() } }
    runCurrent()
}
