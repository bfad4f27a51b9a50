@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.async
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent

/** WhenExhausted.FAIL and maxWaiters refuse callers at once with PoolExhaustedException. */
class ExhaustionSpec : FunSpec({

    test("FAIL mode throws PoolExhaustedException at once when every connection is leased") {
        poolTest {
            val pool = fakePool(FakeManager()) { name = "orders"; maxSize = 2; whenExhausted = WhenExhausted.FAIL }
            pool.acquire()
            pool.acquire()
            val error = shouldThrow<PoolExhaustedException> { pool.acquire() }
            error.message shouldBe "pool orders is exhausted (size=2, maxSize=2, waiters=0)"
            currentTime shouldBe 0L
            pool.stats.waiters shouldBe 0
        }
    }

    test("FAIL mode still creates connections while below maxSize") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2; whenExhausted = WhenExhausted.FAIL }
            pool.acquire()
            pool.acquire()
            manager.created shouldBe 2
        }
    }

    test("FAIL mode serves a connection released before the call") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; whenExhausted = WhenExhausted.FAIL }
            val lease = pool.acquire()
            shouldThrow<PoolExhaustedException> { pool.acquire() }
            lease.release()
            pool.acquire().connection shouldBe lease.connection
        }
    }

    test("maxWaiters limits how many callers may queue") {
        poolTest {
            val pool = fakePool(FakeManager()) { name = "orders"; maxSize = 1; maxWaiters = 2 }
            val held = pool.acquire()
            val queued = List(2) { async { pool.acquire() } }
            runCurrent()
            pool.stats.waiters shouldBe 2
            val error = shouldThrow<PoolExhaustedException> { pool.acquire() }
            error.message shouldBe "pool orders is exhausted (size=1, maxSize=1, waiters=2)"
            held.release()
            queued[0].await().release()
            queued[1].await()
        }
    }

    test("maxWaiters of zero means nobody waits") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; maxWaiters = 0 }
            pool.acquire()
            val error = shouldThrow<PoolExhaustedException> { pool.acquire() }
            error.message shouldBe "pool test is exhausted (size=1, maxSize=1, waiters=0)"
            currentTime shouldBe 0L
        }
    }

    test("a freed waiter slot can be taken again") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; maxWaiters = 1 }
            pool.acquire()
            val first = launch { pool.acquire() }
            runCurrent()
            shouldThrow<PoolExhaustedException> { pool.acquire() }
            first.cancel()
            runCurrent()
            val second = launch { pool.acquire() }
            runCurrent()
            pool.stats.waiters shouldBe 1
            second.cancel()
        }
    }

    test("tryAcquire returns null when no idle connection is free and creates nothing") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2 }
            pool.tryAcquire() shouldBe null
            manager.createCalls shouldBe 0
            pool.acquire()
            pool.acquire()
            pool.tryAcquire() shouldBe null
        }
    }
})
