package io.hivepool.pool.internal

import io.hivepool.pool.ConnectionInfo
import io.hivepool.pool.ConnectionManager
import io.hivepool.pool.Pool
import io.hivepool.pool.PoolTimeoutException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Counts live connections and records every rule a pool must never break. */
private class CountingManager(private val maxSize: Int) : ConnectionManager<Int> {
    val ids = AtomicInteger()
    val live: MutableSet<Int> = ConcurrentHashMap.newKeySet()
    val leased: MutableSet<Int> = ConcurrentHashMap.newKeySet()
    val violations: MutableList<String> = java.util.Collections.synchronizedList(mutableListOf())

    override suspend fun create(): Int {
        val id = ids.incrementAndGet()
        live += id
        if (live.size > maxSize) violations += "live ${live.size} > maxSize $maxSize"
        return id
    }

    override suspend fun recycle(conn: Int, info: ConnectionInfo): Boolean {
        if (conn in leased) violations += "recycling $conn while it is leased"
        yield()
        return true
    }

    override suspend fun destroy(conn: Int) {
        if (!live.remove(conn)) violations += "destroyed $conn twice or never created"
    }
}

class RealPoolSmokeSpec : FunSpec({
    test("an idle connection is reused by the next acquire") {
        runTest {
            val manager = CountingManager(2)
            val pool = Pool(manager) {
                maxSize = 2
                scope = backgroundScope
                timeSource = testScheduler.timeSource
            }
            val first = pool.acquire()
            first.release()
            val second = pool.acquire()
            second.connection shouldBe first.connection
            second.release()
            pool.stats.created shouldBe 1
            pool.stats.hits shouldBe 1
        }
    }

    test("a waiter that times out leaves no trace and the message carries the snapshot") {
        runTest {
            val pool = Pool(CountingManager(1)) {
                name = "smoke"
                maxSize = 1
                acquireTimeout = 2.seconds
                scope = backgroundScope
                timeSource = testScheduler.timeSource
            }
            val held = pool.acquire()
            val e = shouldThrow<PoolTimeoutException> { pool.acquire() }
            e.message shouldBe "timed out after 2s waiting for a connection (pool=smoke, size=1, idle=0, inUse=1, waiters=0)"
            held.release()
            pool.stats.idle shouldBe 1
            pool.stats.waiters shouldBe 0
        }
    }

    test("under real threads and random cancellation the pool never exceeds maxSize nor loses a connection") {
        val seed = Random.nextLong()
                val maxSize = 4
        val manager = CountingManager(maxSize)
        val pool = Pool(manager) {
            this.maxSize = maxSize
            acquireTimeout = 5.seconds
        }
        try {
            withContext(Dispatchers.Default) {
                coroutineScope {
                    (1..64).map { worker ->
                        async {
                            repeat(200) {
                                val patience = Random(seed + worker + it).nextInt(0, 3).milliseconds
                                withTimeoutOrNull(patience) {
                                    val lease = pool.acquire()
                                    if (!manager.leased.add(lease.connection)) {
                                        manager.violations += "connection ${lease.connection} leased twice"
                                    }
                                    try {
                                        if (worker % 3 == 0) yield()
                                    } finally {
                                        manager.leased.remove(lease.connection)
                                        if (worker % 10 == 0) lease.discard() else lease.release()
                                        lease.release() // a second release is a no-op
                                    }
                                }
                            }
                        }
                    }.awaitAll()
                }
            }
            val stats = pool.stats
            withClue(seed) {
                manager.violations.shouldBeEmpty()
                stats.inUse shouldBe 0
                stats.waiters shouldBe 0
                stats.creating shouldBe 0
                (stats.idle <= maxSize) shouldBe true
            }
        } finally {
            pool.close(1.seconds)
        }
        // Everything created was destroyed exactly once after close.
        withClue(seed) { manager.live.shouldBeEmpty() }
    }
})

private inline fun <R> withClue(seed: Long, block: () -> R): R =
    io.kotest.assertions.withClue("seed=$seed") { block() }
