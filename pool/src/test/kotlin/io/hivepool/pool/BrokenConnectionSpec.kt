@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import kotlin.time.Duration.Companion.seconds

/** Invariant 4: a connection whose state is unknown (failed recycle, isBroken, discard()) is never handed out again. */
class BrokenConnectionSpec : FunSpec({

    test("a discarded connection is destroyed and never handed out again") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 1 }
            val lease = pool.acquire()
            lease.discard()
            runCurrent()
            manager.destroyCount(lease.connection) shouldBe 1
            val next = pool.acquire()
            next.connection shouldNotBe lease.connection
            next.connection.destroyed shouldBe false
            pool.stats.destroyedBroken shouldBe 1
        }
    }

    test("a connection reported broken on release is destroyed instead of pooled") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val lease = pool.acquire()
            lease.connection.broken = true
            lease.release()
            runCurrent()
            pool.stats.idle shouldBe 0
            manager.destroyCount(lease.connection) shouldBe 1
            pool.stats.destroyedBroken shouldBe 1
            pool.acquire().connection shouldNotBe lease.connection
        }
    }

    test("a connection that broke while idle is destroyed on borrow and another is handed out") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val lease = pool.acquire()
            lease.release()
            lease.connection.broken = true
            val next = pool.acquire()
            next.connection shouldNotBe lease.connection
            runCurrent()
            manager.destroyCount(lease.connection) shouldBe 1
            manager.created shouldBe 2
        }
    }

    test("a connection that broke while idle is not returned by tryAcquire") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { validateAfterIdle = 1.seconds }
            val lease = pool.acquire()
            lease.release()
            lease.connection.broken = true
            val next = pool.tryAcquire()
            next?.connection shouldNotBe lease.connection
            runCurrent()
            manager.destroyCount(lease.connection) shouldBe 1
        }
    }

    test("a connection whose recycle returns false is destroyed and never handed out") {
        poolTest {
            val manager = FakeManager().apply { recycleResult = { it.id != 1 } }
            val pool = fakePool(manager)
            val first = pool.acquire()
            first.release()
            val next = pool.acquire()
            next.connection.id shouldBe 2
            runCurrent()
            manager.destroyCount(first.connection) shouldBe 1
            pool.stats.destroyedRecycleFailed shouldBe 1
        }
    }

    test("a connection whose recycle throws is destroyed and never handed out") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val first = pool.acquire()
            first.release()
            manager.onRecycle = Behavior.Fail("ping failed")
            val next = pool.acquire()
            next.connection.id shouldBe 2
            runCurrent()
            manager.destroyCount(first.connection) shouldBe 1
            pool.stats.destroyedRecycleFailed shouldBe 1
        }
    }

    test("a recycle that never returns is abandoned after recycleTimeout and the connection destroyed") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { recycleTimeout = 2.seconds; acquireTimeout = 30.seconds }
            val first = pool.acquire()
            first.release()
            manager.onRecycle = Behavior.Never
            val start = currentTime
            val next = pool.acquire()
            (currentTime - start) shouldBe 2_000L
            next.connection.id shouldBe 2
            runCurrent()
            manager.destroyCount(first.connection) shouldBe 1
            manager.recyclingNow shouldBe 0
            pool.stats.destroyedRecycleFailed shouldBe 1
        }
    }

    test("a broken connection is destroyed exactly once even when released and discarded") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val lease = pool.acquire()
            lease.connection.broken = true
            lease.release()
            lease.discard()
            pool.close()
            runCurrent()
            manager.destroyCount(lease.connection) shouldBe 1
            manager.shouldHaveNoViolations()
        }
    }
})
