@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.runCurrent
import kotlin.time.Duration.Companion.milliseconds

/** Invariant 2: a lease is returned exactly once; a second release() is a no-op; nothing is double-pooled. */
class LeaseReleaseSpec : FunSpec({

    test("a second release is a no-op and the connection is pooled once") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2 }
            val lease = pool.acquire()
            lease.release()
            lease.release()
            pool.stats.idle shouldBe 1
            pool.stats.inUse shouldBe 0
            val first = pool.acquire()
            val second = pool.acquire()
            first.connection shouldNotBe second.connection
            manager.created shouldBe 2
        }
    }

    test("discard after release is a no-op") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val lease = pool.acquire()
            lease.release()
            lease.discard()
            manager.destroyed shouldBe 0
            pool.stats.idle shouldBe 1
            pool.acquire().connection shouldBeSameInstanceAs lease.connection
        }
    }

    test("release after discard is a no-op and the connection is destroyed once") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val lease = pool.acquire()
            lease.discard()
            lease.release()
            lease.close()
            runCurrent()
            manager.destroyCount(lease.connection) shouldBe 1
            pool.stats.idle shouldBe 0
            pool.stats.size shouldBe 0
            manager.shouldHaveNoViolations()
        }
    }

    test("closing a lease releases it") {
        poolTest {
            val pool = fakePool(FakeManager())
            val conn = pool.acquire().use { it.connection }
            pool.stats.idle shouldBe 1
            pool.acquire().connection shouldBeSameInstanceAs conn
        }
    }

    test("use releases the connection when the block returns") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            pool.use { conn -> conn.id } shouldBe 1
            pool.stats.idle shouldBe 1
            pool.stats.inUse shouldBe 0
            manager.destroyed shouldBe 0
        }
    }

    test("use releases the connection when the block throws and the connection is not broken") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val error = shouldThrow<IllegalStateException> { pool.use { error("boom") } }
            error.message shouldBe "boom"
            pool.stats.idle shouldBe 1
            manager.destroyed shouldBe 0
        }
    }

    test("use discards the connection when the block throws and the connection is broken") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            shouldThrow<IllegalStateException> {
                pool.use { conn -> conn.broken = true; error("socket reset") }
            }
            runCurrent()
            pool.stats.idle shouldBe 0
            manager.destroyed shouldBe 1
            pool.stats.destroyedBroken shouldBe 1
        }
    }

    test("use discards the connection when the block is cancelled") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager)
            val job = launch { pool.use { awaitCancellation() } }
            runCurrent()
            pool.stats.inUse shouldBe 1
            job.cancel()
            job.join()
            runCurrent()
            manager.destroyed shouldBe 1
            pool.stats.size shouldBe 0
            pool.stats.inUse shouldBe 0
        }
    }

    test("a connection is never leased to two holders at once") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 3 }
            val holders = mutableSetOf<FakeConn>()
            val jobs = List(40) { i ->
                launch {
                    repeat(5) {
                        pool.use { conn ->
                            holders shouldNotContain conn
                            holders += conn
                            delay(((i * 7) % 13).milliseconds)
                            holders -= conn
                        }
                    }
                }
            }
            jobs.joinAll()
            pool.stats.idle shouldBe 3
            pool.stats.inUse shouldBe 0
            manager.shouldHaveNoViolations()
        }
    }

    test("every idle connection appears once in the idle set after many releases") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 3; order = Order.FIFO }
            val leases = List(3) { pool.acquire() }
            leases.forEach { it.release(); it.release() }
            val again = List(3) { async { pool.acquire() } }.map { it.await() }
            again.map { it.connection } shouldContainExactlyInAnyOrder leases.map { it.connection }
            pool.tryAcquire() shouldBe null
            manager.created shouldBe 3
        }
    }
})
