@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.runCurrent
import java.util.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** Invariant 1: idle + leased + being created <= maxSize at every instant, under any interleaving. */
class PoolSizeInvariantSpec : FunSpec({

    test("idle plus leased plus creating never exceeds maxSize under fifty concurrent borrowers") {
        poolTest {
            val seed = System.nanoTime()
            val random = Random(seed)
            val manager = FakeManager().apply { onCreate = Behavior.Slow(10.milliseconds) }
            val pool = fakePool(manager) { maxSize = 4; acquireTimeout = 10.minutes }
            val sampler = backgroundScope.launch {
                while (isActive) {
                    pool.shouldRespectMaxSize()
                    (manager.aliveCount + manager.creatingNow) shouldBeLessThanOrEqual 4
                    delay(1.milliseconds)
                }
            }
            val holds = List(50) { random.nextInt(50).toLong() }
            val borrowers = holds.map { hold ->
                launch {
                    repeat(3) {
                        pool.use { delay(hold.milliseconds) }
                    }
                }
            }
            borrowers.joinAll()
            sampler.cancel()
            withClue("seed=$seed") {
                manager.shouldHaveNoViolations()
                manager.peakInFlight shouldBeLessThanOrEqual 4
                pool.stats.size shouldBe manager.aliveCount
            }
        }
    }

    test("slow creates for many waiters start no more than maxSize creations") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Slow(1.seconds) }
            val pool = fakePool(manager) { maxSize = 3 }
            repeat(10) { backgroundScope.launch { pool.acquire() } }
            runCurrent()
            manager.creatingNow shouldBe 3
            pool.stats.creating shouldBe 3
            pool.shouldRespectMaxSize()
            manager.shouldHaveNoViolations()
        }
    }

    test("a destroyed connection frees its place for a new one but never more than maxSize exist") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2 }
            val a = pool.acquire()
            val b = pool.acquire()
            a.discard()
            val c = pool.acquire()
            pool.stats.size shouldBe 2
            manager.created shouldBe 3
            manager.aliveCount shouldBe 2
            b.release()
            c.release()
            pool.shouldRespectMaxSize()
            manager.shouldHaveNoViolations()
        }
    }

    test("a connection that fails its recycle is destroyed before its replacement is created") {
        poolTest {
            val manager = FakeManager().apply { recycleResult = { it.id != 1 } }
            val pool = fakePool(manager) { maxSize = 1 }
            val held = pool.acquire()
            val first = async { pool.acquire() }
            val second = async { pool.acquire() }
            runCurrent()
            held.release()
            runCurrent()
            // The first waiter's recycle failed: the pool made a new connection for a waiter. The old one must
            // already be handed to destroy() by then, or maxSize + 1 connections are open at once.
            manager.shouldHaveNoViolations()
            manager.peakInFlight shouldBeLessThanOrEqual 1
            first.await().release()
            second.await().release()
        }
    }

    test("the pool creates connections on demand up to maxSize and no further") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 5; whenExhausted = WhenExhausted.FAIL }
            val leases = List(5) { pool.acquire() }
            manager.created shouldBe 5
            pool.tryAcquire() shouldBe null
            leases.forEach { it.release() }
            pool.stats.size shouldBe 5
            pool.stats.idle shouldBe 5
            manager.created shouldBe 5
            manager.shouldHaveNoViolations()
        }
    }
})
