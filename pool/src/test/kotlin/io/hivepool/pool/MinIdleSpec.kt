@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** The min-idle filler keeps minIdle connections warm without exceeding maxSize. */
class MinIdleSpec : FunSpec({

    test("the filler warms minIdle connections after start") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 5; minIdle = 3 }
            advanceTimeBy(100.milliseconds)
            runCurrent()
            pool.stats.idle shouldBe 3
            manager.created shouldBe 3
        }
    }

    test("the filler replaces idle connections that were evicted") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 5; minIdle = 2; cleanupInterval = 1.seconds }
            advanceTimeBy(100.milliseconds)
            pool.stats.idle shouldBe 2
            pool.evictAll()
            advanceTimeBy(2.seconds)
            runCurrent()
            pool.stats.idle shouldBe 2
            manager.created shouldBe 4
            manager.destroyed shouldBe 2
        }
    }

    test("the filler replaces connections that expired by ttl") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 4; minIdle = 2; ttl = simple(10.seconds); cleanupInterval = 1.seconds }
            advanceTimeBy(100.milliseconds)
            advanceTimeBy(12.seconds)
            runCurrent()
            pool.stats.idle shouldBe 2
            manager.destroyed shouldBe 2
            manager.created shouldBe 4
        }
    }

    test("the filler never exceeds maxSize") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 3; minIdle = 3; cleanupInterval = 1.seconds }
            advanceTimeBy(100.milliseconds)
            val leases = List(3) { pool.acquire() }
            advanceTimeBy(10.seconds)
            manager.created shouldBe 3
            pool.shouldRespectMaxSize()
            manager.shouldHaveNoViolations()
            leases.forEach { it.release() }
        }
    }

    test("the filler retries after create failures without hammering and fills once creates succeed") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Fail() }
            val pool = fakePool(manager) {
                maxSize = 4; minIdle = 2; cleanupInterval = 1.seconds; createFailureThreshold = 2; createBackoff = 1.seconds
            }
            advanceTimeBy(10.seconds)
            // One dial per window at most once failing fast, plus the failures that opened it.
            manager.createCalls shouldBeLessThanOrEqual 2 + 11 + 2
            manager.onCreate = Behavior.Succeed
            advanceTimeBy(5.seconds)
            runCurrent()
            pool.stats.idle shouldBe 2
        }
    }

    test("idle connections kept for minIdle are not evicted by idleTimeout") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 3; minIdle = 2; idleTimeout = 1.minutes; cleanupInterval = 10.seconds }
            advanceTimeBy(100.milliseconds)
            advanceTimeBy(1.hours)
            pool.stats.idle shouldBe 2
            manager.created shouldBe 2
            manager.destroyed shouldBe 0
        }
    }
})
