@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import kotlinx.coroutines.async
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Max lifetime: simple, fuzzy (spread expiry) and once (one lease per connection). */
class TtlSpec : FunSpec({

    test("an idle connection past its simple ttl is destroyed by the reaper pass") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { ttl = simple(10.seconds); cleanupInterval = 1.hours }
            pool.acquire().release()
            advanceTimeBy(11.seconds)
            pool.evictIdle()
            runCurrent()
            manager.destroyed shouldBe 1
            pool.stats.destroyedTtl shouldBe 1L
            pool.stats.idle shouldBe 0
        }
    }

    test("a connection past its ttl is never handed out again") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { ttl = simple(10.seconds); cleanupInterval = 1.hours }
            val first = pool.acquire()
            first.release()
            advanceTimeBy(11.seconds)
            pool.acquire().connection shouldNotBe first.connection
            runCurrent()
            manager.destroyCount(first.connection) shouldBe 1
        }
    }

    test("a connection that outlives its ttl while leased is destroyed on release") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { ttl = simple(10.seconds); cleanupInterval = 1.hours }
            val lease = pool.acquire()
            advanceTimeBy(11.seconds)
            lease.connection.destroyed shouldBe false
            lease.release()
            runCurrent()
            manager.destroyCount(lease.connection) shouldBe 1
            pool.stats.idle shouldBe 0
            pool.stats.destroyedTtl shouldBe 1L
        }
    }

    test("a connection younger than its ttl is reused") {
        poolTest {
            val pool = fakePool(FakeManager()) { ttl = simple(10.seconds) }
            val first = pool.acquire()
            first.release()
            advanceTimeBy(9.seconds)
            pool.evictIdle()
            pool.acquire().connection shouldBeSameInstanceAs first.connection
        }
    }

    test("the reaper expires connections on its own every cleanupInterval") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { ttl = simple(10.seconds); cleanupInterval = 1.seconds }
            pool.acquire().release()
            advanceTimeBy(12.seconds)
            runCurrent()
            manager.destroyed shouldBe 1
            pool.stats.destroyedTtl shouldBe 1L
        }
    }

    test("fuzzy ttl spreads expiry between min and min plus fuzz") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 40; ttl = fuzzy(10.seconds, 10.seconds); cleanupInterval = 1.hours }
            List(40) { pool.acquire() }.forEach { it.release() }
            advanceTimeBy(9_990.milliseconds)
            pool.evictIdle()
            manager.destroyed shouldBe 0
            advanceTimeBy(5.seconds)
            pool.evictIdle()
            // Half-way through the fuzz window some but not all have expired (chance of failure ~1e-12).
            manager.destroyed shouldBeGreaterThan 0
            manager.destroyed shouldBeLessThan 40
            advanceTimeBy(5.1.seconds)
            pool.evictIdle()
            manager.destroyed shouldBe 40
            pool.stats.destroyedTtl shouldBe 40L
        }
    }

    test("fuzzy ttl with zero fuzz behaves like simple ttl") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 5; ttl = fuzzy(10.seconds, 0.seconds); cleanupInterval = 1.hours }
            List(5) { pool.acquire() }.forEach { it.release() }
            advanceTimeBy(9.seconds)
            pool.evictIdle()
            manager.destroyed shouldBe 0
            advanceTimeBy(2.seconds)
            pool.evictIdle()
            manager.destroyed shouldBe 5
        }
    }

    test("once ttl destroys each connection after its single lease") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { ttl = once() }
            val first = pool.acquire()
            first.release()
            runCurrent()
            manager.destroyCount(first.connection) shouldBe 1
            pool.stats.idle shouldBe 0
            val second = pool.acquire()
            second.connection shouldNotBe first.connection
            second.info.useCount shouldBe 1L
            second.release()
            runCurrent()
            manager.created shouldBe 2
            manager.destroyed shouldBe 2
            pool.stats.destroyedTtl shouldBe 2L
        }
    }

    test("once ttl still destroys a connection handed directly to a waiter after one lease") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 1; ttl = once() }
            val first = pool.acquire()
            val waiter = async { pool.acquire() }
            runCurrent()
            first.release()
            waiter.await().connection shouldNotBe first.connection
            manager.destroyCount(first.connection) shouldBe 1
        }
    }
})
