@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeGreaterThanOrEqualTo
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import io.mockk.Runs
import io.mockk.coEvery
import io.mockk.coVerify
import io.mockk.every
import io.mockk.just
import io.mockk.mockk
import io.mockk.slot
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import java.io.IOException
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.launch
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Duration.Companion.ZERO

/** recycle() runs on borrow only when the connection has been idle at least validateAfterIdle. */
class ValidateAfterIdleSpec : FunSpec({

    fun mockManager(): ConnectionManager<FakeConn> {
        val ids = AtomicInteger()
        return mockk {
            coEvery { create() } answers { FakeConn(ids.incrementAndGet()) }
            coEvery { recycle(any(), any()) } returns true
            every { isBroken(any()) } returns false
            every { needsRecycle(any()) } returns false
            every { isReusableAfterCancelledRecycle(any()) } returns false
            coEvery { destroy(any()) } just Runs
        }
    }

    test("with the default validateAfterIdle every borrow of a pooled connection is recycled") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager)
            pool.acquire().release()
            coVerify(exactly = 0) { manager.recycle(any(), any()) }
            pool.acquire().release()
            pool.acquire().release()
            coVerify(exactly = 2) { manager.recycle(any(), any()) }
        }
    }

    test("recycle is not called when the connection was idle for less than validateAfterIdle") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager) { validateAfterIdle = 5.seconds }
            val first = pool.acquire()
            first.release()
            advanceTimeBy(4.seconds)
            pool.acquire().connection shouldBeSameInstanceAs first.connection
            coVerify(exactly = 0) { manager.recycle(any(), any()) }
        }
    }

    test("recycle is called once a connection was idle for validateAfterIdle, with its idle time") {
        poolTest {
            val manager = mockManager()
            val info = slot<ConnectionInfo>()
            val idleSeen = slot<kotlin.time.Duration>()
            coEvery { manager.recycle(any(), capture(info)) } answers {
                idleSeen.captured = info.captured.idleTime
                true
            }
            val pool = testPool(manager) { validateAfterIdle = 5.seconds }
            val first = pool.acquire()
            first.release()
            advanceTimeBy(5.seconds)
            pool.acquire().connection shouldBeSameInstanceAs first.connection
            coVerify(exactly = 1) { manager.recycle(first.connection, any()) }
            idleSeen.captured shouldBeGreaterThanOrEqualTo 5.seconds
        }
    }

    test("a failing recycle destroys the connection and the pool tries another idle one") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager) { maxSize = 2; order = Order.FIFO }
            val a = pool.acquire()
            val b = pool.acquire()
            a.release()
            b.release()
            coEvery { manager.recycle(a.connection, any()) } returns false
            pool.acquire().connection shouldBeSameInstanceAs b.connection
            runCurrent()
            coVerify(exactly = 1) { manager.destroy(a.connection) }
            coVerify(exactly = 0) { manager.destroy(b.connection) }
            pool.stats.destroyedRecycleFailed shouldBe 1L
        }
    }

    test("when every idle connection fails recycle a new one is created") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager) { maxSize = 2 }
            val a = pool.acquire()
            val b = pool.acquire()
            a.release()
            b.release()
            coEvery { manager.recycle(any(), any()) } throws IOException("ping timed out")
            val fresh = pool.acquire()
            fresh.connection shouldNotBe a.connection
            fresh.connection shouldNotBe b.connection
            runCurrent()
            coVerify(exactly = 1) { manager.destroy(a.connection) }
            coVerify(exactly = 1) { manager.destroy(b.connection) }
            coVerify(exactly = 3) { manager.create() }
            pool.stats.destroyedRecycleFailed shouldBe 2L
        }
    }

    test("a connection fresh from create is handed out without recycle") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager)
            pool.acquire()
            coVerify(exactly = 0) { manager.recycle(any(), any()) }
        }
    }

    test("tryAcquire hands out only connections that need no recycle") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager) { validateAfterIdle = 5.seconds }
            val first = pool.acquire()
            first.release()
            advanceTimeBy(1.seconds)
            val lease = pool.tryAcquire()
            lease?.connection shouldBeSameInstanceAs first.connection
            lease!!.release()
            advanceTimeBy(6.seconds)
            pool.tryAcquire() shouldBe null
            coVerify(exactly = 0) { manager.recycle(any(), any()) }
        }
    }

    test("every connection is destroyed exactly once when the pool closes") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager) { maxSize = 3 }
            val leases = List(3) { pool.acquire() }
            leases.take(2).forEach { it.release() }
            pool.close()
            leases.last().release()
            runCurrent()
            leases.forEach { coVerify(exactly = 1) { manager.destroy(it.connection) } }
        }
    }

    test("a connection the manager says needs recycle is recycled on borrow however briefly it was idle") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager) { validateAfterIdle = 5.seconds }
            val first = pool.acquire()
            first.release()
            every { manager.needsRecycle(first.connection) } returns true
            pool.acquire().connection shouldBeSameInstanceAs first.connection
            coVerify(exactly = 1) { manager.recycle(first.connection, any()) }
        }
    }

    /**
     * A pooled connection whose recycle never returns, and a borrower cancelled while it runs; [reusable] is what
     * the manager says of it. Returns that connection.
     */
    suspend fun kotlinx.coroutines.test.TestScope.cancelDuringRecycle(manager: ConnectionManager<FakeConn>, pool: Pool<FakeConn>, reusable: Boolean): FakeConn {
        val first = pool.acquire()
        first.release()
        coEvery { manager.recycle(any(), any()) } coAnswers { kotlinx.coroutines.awaitCancellation() }
        every { manager.isReusableAfterCancelledRecycle(first.connection) } returns reusable
        val borrower = launch { pool.acquire() }
        runCurrent()
        borrower.cancel()
        runCurrent()
        return first.connection
    }

    test("a borrower cancelled during recycle gives a connection the manager calls reusable back to the pool") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager) { validateAfterIdle = ZERO }
            val conn = cancelDuringRecycle(manager, pool, reusable = true)
            coVerify(exactly = 0) { manager.destroy(any()) }
            pool.stats.idle shouldBe 1
            pool.stats.inUse shouldBe 0
            coEvery { manager.recycle(any(), any()) } returns true
            pool.acquire().connection shouldBeSameInstanceAs conn
        }
    }

    test("a borrower cancelled during recycle destroys the connection when the manager cannot vouch for it") {
        poolTest {
            val manager = mockManager()
            val pool = testPool(manager) { validateAfterIdle = ZERO }
            val conn = cancelDuringRecycle(manager, pool, reusable = false)
            coVerify(exactly = 1) { manager.destroy(conn) }
            pool.stats.destroyedRecycleFailed shouldBe 1L
        }
    }
})
