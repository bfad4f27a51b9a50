@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlin.time.Duration
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** idleTimeout evicts idle connections only above minIdle; maxIdle caps the idle set. */
class IdleEvictionSpec : FunSpec({

    test("idle connections past idleTimeout are evicted") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 3; idleTimeout = 1.minutes; cleanupInterval = 1.hours }
            List(3) { pool.acquire() }.forEach { it.release() }
            advanceTimeBy(61.seconds)
            pool.evictIdle()
            runCurrent()
            pool.stats.idle shouldBe 0
            manager.destroyed shouldBe 3
            pool.stats.destroyedIdle shouldBe 3L
        }
    }

    test("connections idle for less than idleTimeout are kept") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 3; idleTimeout = 1.minutes; cleanupInterval = 1.hours }
            List(3) { pool.acquire() }.forEach { it.release() }
            advanceTimeBy(59.seconds)
            pool.evictIdle()
            pool.stats.idle shouldBe 3
            manager.destroyed shouldBe 0
        }
    }

    test("only the connections idle too long are evicted") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2; idleTimeout = 1.minutes; cleanupInterval = 1.hours }
            val old = pool.acquire()
            val young = pool.acquire()
            old.release()
            advanceTimeBy(30.seconds)
            young.release()
            advanceTimeBy(40.seconds)
            pool.evictIdle()
            runCurrent()
            manager.destroyCount(old.connection) shouldBe 1
            manager.destroyCount(young.connection) shouldBe 0
            pool.stats.idle shouldBe 1
        }
    }

    test("eviction keeps minIdle connections") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 5; minIdle = 2; idleTimeout = 1.minutes; cleanupInterval = 1.hours }
            List(5) { pool.acquire() }.forEach { it.release() }
            advanceTimeBy(2.minutes)
            pool.evictIdle()
            runCurrent()
            pool.stats.idle shouldBe 2
            manager.destroyed shouldBe 3
            pool.stats.destroyedIdle shouldBe 3L
        }
    }

    test("the reaper evicts idle connections on its own every cleanupInterval") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { idleTimeout = 30.seconds; cleanupInterval = 10.seconds }
            pool.acquire().release()
            advanceTimeBy(29.seconds)
            manager.destroyed shouldBe 0
            advanceTimeBy(12.seconds)
            runCurrent()
            manager.destroyed shouldBe 1
            pool.stats.idle shouldBe 0
        }
    }

    test("an infinite idleTimeout never evicts") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { idleTimeout = Duration.INFINITE; cleanupInterval = 1.minutes }
            pool.acquire().release()
            advanceTimeBy(100.hours)
            pool.evictIdle()
            pool.stats.idle shouldBe 1
            manager.destroyed shouldBe 0
        }
    }

    test("maxIdle caps idle connections: extras are destroyed on release") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 5; maxIdle = 2 }
            List(5) { pool.acquire() }.forEach { it.release() }
            runCurrent()
            pool.stats.idle shouldBe 2
            pool.stats.size shouldBe 2
            manager.destroyed shouldBe 3
            manager.aliveCount shouldBe 2
        }
    }

    test("evictAll destroys every idle connection and leased ones when they come back") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 3 }
            val leased = pool.acquire()
            List(2) { pool.acquire() }.forEach { it.release() }
            pool.evictAll()
            runCurrent()
            manager.destroyed shouldBe 2
            leased.connection.destroyed shouldBe false
            leased.release()
            runCurrent()
            manager.destroyCount(leased.connection) shouldBe 1
            pool.stats.size shouldBe 0
        }
    }
})
