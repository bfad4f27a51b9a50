@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import kotlin.time.Duration.Companion.seconds

/**
 * Invariant 6: after close() new acquires fail with PoolClosedException, waiters fail at once, idle connections are
 * destroyed and leased ones are destroyed on return; close(grace) waits up to grace for them.
 */
class PoolCloseSpec : FunSpec({

    test("acquire after close fails with PoolClosedException naming the pool") {
        poolTest {
            val pool = fakePool(FakeManager()) { name = "orders" }
            pool.close()
            val error = shouldThrow<PoolClosedException> { pool.acquire() }
            error.message shouldBe "pool orders is closed"
        }
    }

    test("use after close fails with PoolClosedException") {
        poolTest {
            val pool = fakePool(FakeManager())
            pool.close()
            shouldThrow<PoolClosedException> { pool.use { it.id } }.message shouldBe "pool test is closed"
        }
    }

    test("tryAcquire after close hands out nothing") {
        poolTest {
            val pool = fakePool(FakeManager()) { validateAfterIdle = 1.seconds }
            pool.acquire().release()
            pool.close()
            runCatching { pool.tryAcquire() }.getOrNull() shouldBe null
        }
    }

    test("waiters fail at once with PoolClosedException when the pool closes") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; acquireTimeout = 30.seconds }
            pool.acquire()
            val waiters = List(3) { async { runCatching { pool.acquire() } } }
            runCurrent()
            val before = currentTime
            pool.close()
            runCurrent()
            currentTime shouldBe before
            waiters.forEach { waiter ->
                waiter.isCompleted shouldBe true
                waiter.await().exceptionOrNull().shouldBeInstanceOf<PoolClosedException>()
            }
            pool.stats.waiters shouldBe 0
        }
    }

    test("idle connections are destroyed on close") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 3 }
            List(3) { pool.acquire() }.forEach { it.release() }
            pool.close()
            runCurrent()
            manager.destroyed shouldBe 3
            manager.aliveCount shouldBe 0
            pool.stats.destroyedClosed shouldBe 3
            pool.stats.idle shouldBe 0
        }
    }

    test("a leased connection is destroyed when it is returned after close") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val lease = pool.acquire()
            pool.close()
            runCurrent()
            lease.connection.destroyed shouldBe false
            lease.release()
            runCurrent()
            manager.destroyCount(lease.connection) shouldBe 1
            pool.stats.size shouldBe 0
        }
    }

    test("close with grace returns as soon as the last lease comes back") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val lease = pool.acquire()
            launch {
                delay(3.seconds)
                lease.release()
            }
            val start = currentTime
            pool.close(10.seconds)
            (currentTime - start) shouldBe 3_000L
            runCurrent()
            manager.destroyCount(lease.connection) shouldBe 1
        }
    }

    test("close with grace gives up after the grace period and still destroys the late lease") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val lease = pool.acquire()
            val start = currentTime
            pool.close(2.seconds)
            (currentTime - start) shouldBe 2_000L
            lease.release()
            runCurrent()
            manager.destroyCount(lease.connection) shouldBe 1
            manager.aliveCount shouldBe 0
        }
    }

    test("close is idempotent and destroys every connection once") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2 }
            pool.acquire().release()
            val leased = pool.acquire()
            val other = pool.acquire()
            other.release()
            pool.close()
            pool.close()
            pool.close(1.seconds)
            leased.release()
            runCurrent()
            manager.aliveCount shouldBe 0
            manager.shouldHaveNoViolations()
        }
    }

    test("a create in flight when the pool closes does not leak its connection") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Slow(1.seconds) }
            val pool = fakePool(manager)
            val waiter = async { runCatching { pool.acquire() } }
            runCurrent()
            pool.close()
            advanceTimeBy(2.seconds)
            runCurrent()
            waiter.await().exceptionOrNull().shouldBeInstanceOf<PoolClosedException>()
            manager.aliveCount shouldBe 0
            manager.shouldHaveNoViolations()
        }
    }

    test("a connection whose create completes just as the pool closes is destroyed, not leaked") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { minIdle = 1 }
            // Queued behind the reaper's first pass, ahead of the filler's create that pass launches: the create
            // starts in an already cancelled scope and manager.create() returns at once anyway.
            launch { pool.close() }
            runCurrent()
            advanceTimeBy(1.seconds)
            runCurrent()
            manager.aliveCount shouldBe 0
            manager.shouldHaveNoViolations()
        }
    }

    test("a create that ignores cancellation and completes after close is destroyed, not leaked") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Stubborn(1.seconds) }
            val pool = fakePool(manager)
            val waiter = async { runCatching { pool.acquire() } }
            runCurrent()
            pool.close()
            advanceTimeBy(2.seconds)
            runCurrent()
            waiter.await().exceptionOrNull().shouldBeInstanceOf<PoolClosedException>()
            manager.created shouldBe 1
            manager.aliveCount shouldBe 0
        }
    }
})
