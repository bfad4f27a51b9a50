@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool.internal

import io.hivepool.pool.FakeConn
import io.hivepool.pool.FakeManager
import io.hivepool.pool.Lease
import io.hivepool.pool.Order
import io.hivepool.pool.Pool
import io.hivepool.pool.fakePool
import io.hivepool.pool.once
import io.hivepool.pool.poolTest
import io.hivepool.pool.internal.PooledConnection.Companion.NONE
import io.hivepool.pool.internal.PooledConnection.Companion.PARKED
import io.hivepool.pool.internal.PooledConnection.Companion.TAKEN
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.withContext
import java.util.concurrent.Executors
import kotlin.time.ComparableTimeMark
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

private val Lease<FakeConn>.pooled: PooledConnection<*> get() = info as PooledConnection<*>

/**
 * The test clock, with a one-shot [onPlus] run inside the next `mark + duration`: a fast release computes
 * `now + idleTimeout` after it has read the waiter count, so [onPlus] can queue a waiter at that very point.
 */
private class HookedTimeSource(private val inner: TimeSource.WithComparableMarks) : TimeSource.WithComparableMarks {
    var onPlus: (() -> Unit)? = null

    override fun markNow(): ComparableTimeMark = Mark(inner.markNow())

    private inner class Mark(val mark: ComparableTimeMark) : ComparableTimeMark {
        override fun elapsedNow(): Duration = mark.elapsedNow()

        override fun plus(duration: Duration): ComparableTimeMark {
            onPlus?.let { hook ->
                onPlus = null
                hook()
            }
            return Mark(mark + duration)
        }

        override fun minus(other: ComparableTimeMark): Duration = mark - (other as Mark).mark

        override fun equals(other: Any?): Boolean = other is Mark && mark == other.mark

        override fun hashCode(): Int = mark.hashCode()
    }
}

/**
 * A thread re-borrows the connection it returned last from its cache without the pool's lock; everything
 * that needs every idle connection (other threads, waiters, close, evictAll, resize, the reaper, minIdle)
 * still finds the parked ones. Whether a connection went through the cache is read from its cacheState.
 */
class ThreadCacheSpec : FunSpec({

    // The slot is a hint, held weakly: a destroyed connection (a Redis one keeps its socket's buffers) must not stay
    // reachable from every thread that returned it last, for as long as that thread lives without using the pool.
    test("a thread's cache does not keep a connection reachable once the pool has destroyed it") {
        val destroyed = java.util.concurrent.CountDownLatch(1)
        val manager = object : io.hivepool.pool.ConnectionManager<ByteArray> {
            override suspend fun create() = ByteArray(1 shl 20)
            override suspend fun destroy(conn: ByteArray) = destroyed.countDown()
        }
        val pool = Pool(manager) { maxSize = 1; minIdle = 0; validateAfterIdle = 30.seconds }
        try {
            val collected = java.lang.ref.ReferenceQueue<ByteArray>()
            val gone = runBlocking { parkInThisThread(pool, collected) }
            pool.evictAll()
            destroyed.await(5, java.util.concurrent.TimeUnit.SECONDS) shouldBe true
            var tries = 0
            while (gone.get() != null && tries++ < 100) {
                System.gc()
                collected.remove(10) // returns as soon as the collector has cleared it
            }
            gone.get() shouldBe null
        } finally {
            pool.close()
        }
    }

    test("a returned connection is re-borrowed by the same thread from its cache and counted as a hit") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 2; validateAfterIdle = 30.seconds }
            val first = pool.acquire()
            first.release()
            first.pooled.cacheState shouldBe PARKED
            val again = pool.acquire()
            again.connection.id shouldBe first.connection.id
            again.pooled.cacheState shouldBe TAKEN
            pool.stats.hits shouldBe 1
            pool.stats.misses shouldBe 1
            again.release()
            again.pooled.cacheState shouldBe PARKED // the fast release parked it again
        }
    }

    test("stats report a parked connection as idle, not in use") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 2 }
            val lease = pool.acquire()
            lease.release()
            lease.pooled.cacheState shouldBe PARKED
            pool.stats.idle shouldBe 1
            pool.stats.inUse shouldBe 0
            pool.stats.size shouldBe 1
        }
    }

    test("a connection parked just as a waiter queued is granted to the head waiter without a create") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 1 }
            pool.acquire().release()
            val held = pool.acquire() // from the cache: TAKEN
            held.pooled.cacheState shouldBe TAKEN
            val first = async { pool.acquire() }
            runCurrent()
            pool.stats.waiters shouldBe 1
            // What a fast release does when it read live == 0 just before the waiter's enqueue: PARKED, unseen.
            @Suppress("UNCHECKED_CAST")
            val pc = held.pooled as PooledConnection<FakeConn>
            pc.leased = false
            (pool as RealPool<FakeConn>).cache.park(pc) shouldBe true
            val second = async { pool.acquire() } // queues behind `first`, then finds the parked one for it
            runCurrent()
            first.isCompleted shouldBe true
            first.await().connection.id shouldBe held.connection.id
            manager.created shouldBe 1
            first.await().release()
            runCurrent()
            second.await().connection.id shouldBe held.connection.id
            manager.created shouldBe 1
        }
    }

    test("a release that parks just as a waiter queues, unseen by it, takes the connection back for the waiter") {
        poolTest {
            val clock = HookedTimeSource(testScheduler.timeSource)
            val manager = FakeManager()
            val pool = fakePool(manager) {
                maxSize = 1
                idleTimeout = 10.seconds // the release reads the reaper's schedule: our hook's way in
                cleanupInterval = 1.hours
                timeSource = clock
            }
            pool.acquire().release() // parked; the reaper is armed for its idleTimeout
            val held = pool.acquire() // from the cache
            var waiter: kotlinx.coroutines.Deferred<Lease<FakeConn>>? = null
            // After the release has read live == 0 and before it parks: a caller queues and finds nothing parked.
            clock.onPlus = { waiter = async(start = CoroutineStart.UNDISPATCHED) { pool.acquire() } }
            held.release()
            runCurrent()
            val granted = checkNotNull(waiter) { "the hook never ran" }
            granted.isCompleted shouldBe true // the release re-read live after parking and granted it
            granted.await().connection.id shouldBe held.connection.id
            manager.created shouldBe 1
        }
    }

    test("a release while a waiter is queued hands the connection to the waiter instead of parking it") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 1 }
            pool.acquire().release()
            val held = pool.acquire()
            val waiter = async { pool.acquire() }
            runCurrent()
            held.release()
            runCurrent()
            waiter.await().connection.id shouldBe held.connection.id
            waiter.await().pooled.cacheState shouldBe NONE
            manager.created shouldBe 1
        }
    }

    test("another thread acquiring while the only connection is parked in this thread's cache steals it, not creating") {
        // Real threads and real time: under runTest the virtual clock may jump (and a reaper pass reclaim the
        // parked connection) while the test waits on the other thread.
        val manager = FakeManager()
        val background = CoroutineScope(SupervisorJob() + Dispatchers.Default)
        val pool = Pool(manager) { maxSize = 2; scope = background }
        val other = Executors.newSingleThreadExecutor().asCoroutineDispatcher()
        try {
            runBlocking {
                val mine = pool.acquire()
                mine.release()
                mine.pooled.cacheState shouldBe PARKED
                val stolen = withContext(other) { pool.acquire() }
                stolen.connection.id shouldBe mine.connection.id
                stolen.pooled.cacheState shouldBe NONE
                manager.created shouldBe 1
                withContext(other) { stolen.release() } // now parked in the other thread's cache
                stolen.pooled.cacheState shouldBe PARKED
                pool.stats.idle shouldBe 1
                pool.acquire().connection.id shouldBe mine.connection.id
                manager.created shouldBe 1
            }
        } finally {
            pool.close()
            background.cancel()
            other.close()
        }
    }

    test("close destroys parked connections") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2 }
            val lease = pool.acquire()
            lease.release()
            pool.close()
            runCurrent()
            lease.pooled.cacheState shouldBe NONE
            pool.stats.destroyedClosed shouldBe 1
            manager.destroyed shouldBe 1
            pool.stats.size shouldBe 0
        }
    }

    test("evictAll destroys parked connections") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2 }
            val lease = pool.acquire()
            lease.release()
            pool.evictAll()
            runCurrent()
            lease.pooled.cacheState shouldBe NONE
            pool.stats.destroyedIdle shouldBe 1
            manager.destroyed shouldBe 1
            pool.acquire().connection.id shouldBe 2
        }
    }

    test("resize to a smaller maxSize trims a parked connection") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2 }
            val parked = pool.acquire()
            val held = pool.acquire()
            parked.release()
            parked.pooled.cacheState shouldBe PARKED
            pool.resize(1)
            runCurrent()
            parked.connection.destroyed shouldBe true
            pool.stats.size shouldBe 1
            held.release()
            pool.stats.size shouldBe 1
        }
    }

    test("after resize to a smaller maxSize a connection from the cache is destroyed on release, not parked again") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2 }
            pool.acquire().release()
            val cached = pool.acquire()
            cached.pooled.cacheState shouldBe TAKEN
            val other = pool.acquire()
            pool.resize(1)
            cached.release()
            runCurrent()
            cached.connection.destroyed shouldBe true
            pool.stats.size shouldBe 1
            other.release()
            other.pooled.cacheState shouldBe PARKED // back under maxSize: parking again
        }
    }

    test("the reaper evicts a parked connection after idleTimeout even when it was parked without the lock") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 2; idleTimeout = 10.seconds; cleanupInterval = 1.hours }
            pool.acquire().release()
            val lease = pool.acquire() // from the cache
            advanceTimeBy(11.seconds) // a pass finds nothing idle and schedules the next one an hour later
            lease.release()
            advanceTimeBy(10.seconds + 1.milliseconds)
            runCurrent()
            lease.pooled.cacheState shouldBe NONE
            pool.stats.destroyedIdle shouldBe 1
            pool.stats.size shouldBe 0
        }
    }

    test("minIdle counts a parked connection as idle, so none is created for it") {
        poolTest {
            val manager = FakeManager()
            // No idleTimeout: nothing wakes the reaper, whose pass would move the parked connection to the idle deque.
            val pool = fakePool(manager) {
                maxSize = 2
                minIdle = 1
                idleTimeout = Duration.INFINITE
                cleanupInterval = 1.hours
            }
            runCurrent()
            manager.created shouldBe 1
            val a = pool.acquire()
            val b = pool.acquire()
            manager.created shouldBe 2
            a.release() // parked: now the one idle connection
            a.pooled.cacheState shouldBe PARKED
            b.discard() // once its destroy is done, creates are planned for any minIdle deficit
            runCurrent()
            manager.destroyed shouldBe 1
            manager.created shouldBe 2
            pool.stats.idle shouldBe 1
        }
    }

    test("tryAcquire leaves a parked connection that needs recycle parked, so the next acquire validates it") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 1; validateAfterIdle = 1.seconds }
            val lease = pool.acquire()
            lease.release()
            advanceTimeBy(2.seconds)
            pool.tryAcquire() shouldBe null
            lease.pooled.cacheState shouldBe PARKED
            manager.recycleCalls shouldBe 0
            pool.acquire().connection.id shouldBe lease.connection.id
            manager.recycleCalls shouldBe 1
        }
    }

    test("FIFO order, leak detection and Ttl.Once never park a connection") {
        poolTest {
            suspend fun Pool<FakeConn>.parksOnRelease(): Int {
                val lease = acquire()
                lease.release()
                val again = acquire()
                return again.pooled.cacheState.also { again.release() }
            }
            fakePool(FakeManager()) { maxSize = 1 }.parksOnRelease() shouldBe TAKEN
            fakePool(FakeManager()) { maxSize = 1; order = Order.FIFO }.parksOnRelease() shouldBe NONE
            fakePool(FakeManager()) { maxSize = 1; leakDetectionThreshold = 1.hours }.parksOnRelease() shouldBe NONE
            fakePool(FakeManager()) { maxSize = 1; ttl = once() }.parksOnRelease() shouldBe NONE
        }
    }
})

/** Borrows and returns a connection on this thread (it parks in this thread's slot); only a weak reference remains. */
private suspend fun parkInThisThread(
    pool: Pool<ByteArray>,
    collected: java.lang.ref.ReferenceQueue<ByteArray>,
): java.lang.ref.WeakReference<ByteArray> {
    val lease = pool.acquire()
    val ref = java.lang.ref.WeakReference(lease.connection, collected)
    lease.release()
    (lease.info as PooledConnection<*>).cacheState shouldBe PARKED
    return ref
}
