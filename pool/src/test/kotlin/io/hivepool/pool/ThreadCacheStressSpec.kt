package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicLong
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Real threads on one pool: callers that return at once (the lock-free cache path, and steals between
 * threads) mixed with callers that hold across a suspension (so others queue as waiters) and callers
 * cancelled at random. No connection may ever be leased by two callers at once, every caller must finish,
 * and the pool's books must balance at the end. Rerun one case with -Dhivepool.seed=<seed>; run more rounds
 * per test with -Dhivepool.rounds=N.
 */
class ThreadCacheStressSpec : FunSpec({

    fun stress(seed: Long, threads: Int, coroutinesPerThread: Int, cycles: Int, maxSize: Int, expectHits: Boolean) {
        val manager = FakeManager { maxSize }
        val leased: MutableSet<FakeConn> = ConcurrentHashMap.newKeySet()
        val errors = Collections.synchronizedList(mutableListOf<String>())
        val cancelled = AtomicLong()
        val callers = Executors.newFixedThreadPool(threads).asCoroutineDispatcher()
        val poolThreads = Executors.newFixedThreadPool(2).asCoroutineDispatcher()
        val background = CoroutineScope(SupervisorJob() + poolThreads)
        val pool = Pool(manager) {
            name = "stress"
            this.maxSize = maxSize
            acquireTimeout = 5.seconds // a connection stranded while callers wait shows up as a timeout
            validateAfterIdle = 30.seconds
            scope = background
        }

        suspend fun hold(lease: Lease<FakeConn>, random: Random) {
            val conn = lease.connection
            if (!leased.add(conn)) errors += "$conn leased by two callers at once"
            when (random.nextInt(8)) {
                0 -> yield()
                1 -> delay(1.milliseconds)
                else -> Unit // returned before any suspension: the cache path when nobody waits
            }
            leased.remove(conn)
            if (random.nextInt(50) == 0) lease.discard() else lease.release()
        }

        try {
            runBlocking(callers) {
                List(threads * coroutinesPerThread) { caller ->
                    val random = Random(seed + caller)
                    launch {
                        repeat(cycles) {
                            try {
                                if (random.nextInt(10) == 0) {
                                    // Gives up while waiting, or just as its connection is handed over. The lease is
                                    // kept out of the block: a timeout right after acquire() returned would drop it.
                                    var lease: Lease<FakeConn>? = null
                                    withTimeoutOrNull(random.nextInt(1, 3).milliseconds) { lease = pool.acquire() }
                                    lease.let { if (it == null) cancelled.incrementAndGet() else hold(it, random) }
                                } else {
                                    hold(pool.acquire(), random)
                                }
                            } catch (e: CancellationException) {
                                throw e
                            } catch (e: Throwable) {
                                errors += "caller $caller: $e"
                            }
                        }
                    }
                }.joinAll()
            }
            val s = pool.stats
            fun check(ok: Boolean, what: String) {
                if (!ok) errors += "$what (stats=$s)"
            }
            check(s.size <= maxSize, "size <= maxSize")
            check(s.idle + s.inUse == s.size - s.creating, "idle + inUse == size - creating")
            check(s.inUse == 0, "nothing in use once every caller finished")
            check(s.waiters == 0, "nobody waiting")
            check(s.created <= maxSize + s.destroyed, "created <= maxSize + destroyed")
            // With 64 callers per connection someone is nearly always queued, so every acquire may miss.
            if (expectHits) check(s.hits > 0, "some acquires hit")
            errors += manager.violations
        } finally {
            pool.close()
            background.cancel()
            callers.close()
            poolThreads.close()
        }
        if (errors.isNotEmpty()) {
            throw AssertionError(
                "seed=$seed (rerun with -Dhivepool.seed=$seed), ${cancelled.get()} acquires gave up: " +
                    errors.take(10).joinToString("; "),
            )
        }
    }

    val seed = System.getProperty("hivepool.seed")?.toLong() ?: System.nanoTime()
    val rounds = System.getProperty("hivepool.rounds")?.toInt() ?: 3

    test("four threads of 64 coroutines sharing four connections never lease one twice and all finish") {
        repeat(rounds) { round ->
            stress(seed + round * 1_000, threads = 4, coroutinesPerThread = 64, cycles = 16, maxSize = 4, expectHits = false)
        }
    }

    test("four threads returning at once share four connections through their caches and steals") {
        repeat(rounds) { round ->
            stress(seed + round * 1_000, threads = 4, coroutinesPerThread = 1, cycles = 5_000, maxSize = 4, expectHits = true)
        }
    }

    test("two threads contending for one connection all finish and never lease it twice") {
        // Mostly the hand-off between a parking release and a queuing acquire on the other thread (the race
        // itself is pinned deterministically in ThreadCacheSpec); a stranded connection shows up as a timeout.
        stress(seed, threads = 2, coroutinesPerThread = 1, cycles = 5_000, maxSize = 1, expectHits = true)
    }
})
