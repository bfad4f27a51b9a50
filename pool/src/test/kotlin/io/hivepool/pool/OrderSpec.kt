@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.test.advanceTimeBy
import kotlin.time.Duration.Companion.seconds

/** LIFO hands out the most recently returned idle connection; FIFO the one idle the longest. */
class OrderSpec : FunSpec({

    suspend fun Pool<FakeConn>.borrowOrderAfterReturning(ids: List<Int>, byId: Map<Int, Lease<FakeConn>>): List<Int> {
        ids.forEach { byId.getValue(it).release() }
        return List(ids.size) { acquire().connection.id }
    }

    test("LIFO hands out the most recently returned connection first") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 3; order = Order.LIFO }
            val leases = List(3) { pool.acquire() }.associateBy { it.connection.id }
            pool.borrowOrderAfterReturning(listOf(2, 1, 3), leases) shouldBe listOf(3, 1, 2)
        }
    }

    test("FIFO hands out the connection that has been idle longest first") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 3; order = Order.FIFO }
            val leases = List(3) { pool.acquire() }.associateBy { it.connection.id }
            pool.borrowOrderAfterReturning(listOf(2, 1, 3), leases) shouldBe listOf(2, 1, 3)
        }
    }

    test("LIFO is the default order") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 2 }
            pool.config.order shouldBe Order.LIFO
            val a = pool.acquire()
            val b = pool.acquire()
            a.release()
            advanceTimeBy(1.seconds)
            b.release()
            pool.acquire().connection.id shouldBe b.connection.id
        }
    }

    test("tryAcquire follows the configured order") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 2; order = Order.FIFO; validateAfterIdle = 1.seconds }
            val a = pool.acquire()
            val b = pool.acquire()
            a.release()
            b.release()
            pool.tryAcquire()?.connection?.id shouldBe a.connection.id
        }
    }
})
