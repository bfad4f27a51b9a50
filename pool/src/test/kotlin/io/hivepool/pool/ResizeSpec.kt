@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.advanceUntilIdle
import kotlinx.coroutines.test.runCurrent
import java.util.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes

/** resize(maxSize) grows and shrinks the pool under load while invariant 1 keeps holding. */
class ResizeSpec : FunSpec({

    test("growing maxSize lets waiters get new connections at once") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2 }
            val held = List(2) { pool.acquire() }
            val waiters = List(3) { async { pool.acquire() } }
            runCurrent()
            pool.stats.waiters shouldBe 3
            pool.resize(5)
            runCurrent()
            waiters.forEach { it.isCompleted shouldBe true }
            manager.created shouldBe 5
            pool.config.maxSize shouldBe 5
            held.forEach { it.release() }
        }
    }

    test("shrinking maxSize destroys idle extras now and leased extras on return") {
        poolTest {
            val manager = FakeManager()
            val pool = testPool(manager) { maxSize = 5 }
            val leases = List(5) { pool.acquire() }
            leases.take(2).forEach { it.release() }
            pool.resize(2)
            runCurrent()
            pool.config.maxSize shouldBe 2
            pool.stats.idle shouldBe 0
            manager.destroyed shouldBe 2
            leases.drop(2).forEach { it.release() }
            runCurrent()
            pool.stats.size shouldBe 2
            pool.stats.idle shouldBe 2
            manager.aliveCount shouldBe 2
        }
    }

    test("after shrinking no connection is created until the pool fits the new size") {
        poolTest {
            var max = 4
            val manager = FakeManager { max }
            val pool = testPool(manager) { maxSize = 4 }
            val leases = List(4) { pool.acquire() }
            pool.resize(2)
            max = 2
            val waiter = async { pool.acquire() }
            leases[0].discard()
            leases[1].release()
            runCurrent()
            waiter.isCompleted shouldBe false
            manager.created shouldBe 4
            leases[2].release()
            waiter.await()
            manager.shouldHaveNoViolations()
        }
    }

    test("resize refuses a maxSize below one") {
        poolTest {
            val pool = fakePool(FakeManager())
            shouldThrow<IllegalArgumentException> { pool.resize(0) }.message shouldBe "maxSize must be > 0, was 0"
            pool.config.maxSize shouldBe 10
        }
    }

    test("invariant 1 holds while the pool is resized up and down under load") {
        poolTest {
            val seed = System.nanoTime()
            val random = Random(seed)
            var max = 3
            val manager = FakeManager { max }.apply { onCreate = Behavior.Slow(3.milliseconds) }
            val pool = testPool(manager) { maxSize = 3; acquireTimeout = 10.minutes }
            val workers = List(30) {
                launch {
                    repeat(20) { pool.use { delay(random.nextInt(20).milliseconds) } }
                }
            }
            val resizer = launch {
                while (isActive) {
                    delay(random.nextInt(50).milliseconds)
                    val next = 1 + random.nextInt(6)
                    // The limit drops only once the pool has shrunk to the new size; it rises at once.
                    if (next > max) max = next
                    pool.resize(next)
                    launch {
                        while (pool.stats.size > next && pool.config.maxSize == next) delay(1.milliseconds)
                        if (pool.config.maxSize == next) max = next
                    }
                }
            }
            workers.joinAll()
            resizer.cancel()
            advanceUntilIdle()
            runCurrent()
            withClue("seed=$seed") {
                manager.shouldHaveNoViolations()
                pool.stats.size shouldBeLessThanOrEqual pool.config.maxSize
                pool.stats.inUse shouldBe 0
                manager.aliveCount shouldBe pool.stats.size
            }
        }
    }
})
