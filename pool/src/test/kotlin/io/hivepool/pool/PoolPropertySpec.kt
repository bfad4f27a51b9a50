@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.withTimeoutOrNull
import java.io.IOException
import java.util.Random
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/**
 * Thousands of random sequences of acquire / use / cancel / discard / timeout / close over a manager that fails
 * and stalls at random; invariants 1 to 4 are checked after every step.
 *
 * Rerun one failing case with -Dhivepool.caseSeed=<caseSeed>; change the number of runs with -Dhivepool.runs=N.
 */
class PoolPropertySpec : FunSpec({

    test("random operation sequences keep invariants 1 to 4 after every step") {
        val only = System.getProperty("hivepool.caseSeed")?.toLong()
        val seed = System.getProperty("hivepool.seed")?.toLong() ?: System.nanoTime()
        val runs = System.getProperty("hivepool.runs")?.toInt() ?: 1000
        val seeds = if (only != null) listOf(only) else Random(seed).let { r -> List(runs) { r.nextLong() } }
        seeds.forEachIndexed { run, caseSeed ->
            try {
                poolTest { PoolScenario(Random(caseSeed), this).run() }
            } catch (e: Throwable) {
                throw AssertionError(
                    "seed=$seed run=$run caseSeed=$caseSeed (rerun with -Dhivepool.caseSeed=$caseSeed): ${e.message}", e,
                )
            }
        }
    }
})

/** One random sequence against one pool; [check] asserts the invariants between steps. */
private class PoolScenario(private val random: Random, private val test: TestScope) {
    private val maxSize = 1 + random.nextInt(4)
    private val manager = FakeManager { maxSize }
    private val pool: Pool<FakeConn> = test.testPool(manager) {
        maxSize = this@PoolScenario.maxSize
        minIdle = if (random.nextInt(4) == 0) 1 else 0
        acquireTimeout = (200 + random.nextInt(3000)).milliseconds
        createTimeout = (100 + random.nextInt(900)).milliseconds
        recycleTimeout = (50 + random.nextInt(300)).milliseconds
        validateAfterIdle = if (random.nextBoolean()) Duration.ZERO else random.nextInt(500).milliseconds
        order = if (random.nextBoolean()) Order.LIFO else Order.FIFO
        whenExhausted = if (random.nextInt(5) == 0) WhenExhausted.FAIL else WhenExhausted.WAIT
        maxWaiters = if (random.nextInt(4) == 0) random.nextInt(4) else Int.MAX_VALUE
        createFailureThreshold = 1 + random.nextInt(4)
        createBackoff = (100 + random.nextInt(900)).milliseconds
        idleTimeout = (1 + random.nextInt(10)).seconds
        cleanupInterval = 500.milliseconds
        ttl = when (random.nextInt(5)) {
            0 -> simple((1 + random.nextInt(5)).seconds)
            1 -> fuzzy(1.seconds, 2.seconds)
            2 -> once()
            else -> null
        }
    }

    private val held = mutableListOf<Lease<FakeConn>>()
    private val returned = mutableListOf<Lease<FakeConn>>()
    private val inBlocks = mutableSetOf<FakeConn>()
    private val actors = mutableListOf<Job>()
    private val errors = mutableListOf<String>()
    private val trace = mutableListOf<String>()
    private var closed = false

    suspend fun run() {
        repeat(20 + random.nextInt(40)) { step ->
            val op = random.nextInt(100)
            trace += "$step:${describe(op)}"
            perform(op)
            test.runCurrent()
            check("after step $step")
        }
        drainAndVerify()
    }

    private fun describe(op: Int): String = when {
        op < 20 -> "acquire"
        op < 28 -> "acquireWithTimeout"
        op < 38 -> "use"
        op < 50 -> "release"
        op < 55 -> "discard"
        op < 59 -> "break"
        op < 63 -> "releaseAgain"
        op < 70 -> "cancel"
        op < 83 -> "advance"
        op < 92 -> "changeManager"
        op < 95 -> "evict"
        op < 99 -> "tryAcquire"
        else -> "close"
    }

    private suspend fun perform(op: Int) {
        when (describe(op)) {
            "acquire" -> actor { pool.acquire().also { took(it) } }
            "acquireWithTimeout" -> {
                // Positive, so the acquire is always attempted (withTimeoutOrNull(0) would not run it at all).
                val limit = (1 + random.nextInt(1500)).milliseconds
                actor { withTimeoutOrNull(limit) { pool.acquire() }?.let { took(it) } }
            }
            "use" -> {
                val hold = random.nextInt(800).milliseconds
                val outcome = random.nextInt(4)
                actor {
                    pool.use { conn ->
                        note("use block got $conn")
                        handedOut(conn)
                        inBlocks += conn
                        try {
                            delay(hold)
                            when (outcome) {
                                0 -> throw IOException("deliberate failure")
                                1 -> {
                                    conn.broken = true
                                    throw IOException("deliberate break")
                                }
                                else -> Unit
                            }
                        } catch (e: CancellationException) {
                            // The pool discards a connection whose block was cancelled: its state is unknown.
                            conn.poisoned = true
                            throw e
                        } finally {
                            inBlocks -= conn
                        }
                    }
                }
            }
            "release" -> takeHeld()?.let { note("release ${it.connection}"); it.release(); returned += it }
            "discard" -> takeHeld()?.let {
                note("discard ${it.connection}")
                it.connection.poisoned = true
                it.discard()
                returned += it
            }
            "break" -> takeHeld()?.let { note("break ${it.connection}"); it.connection.broken = true; it.release(); returned += it }
            "releaseAgain" -> returned.randomOrNull()?.let {
                note("again ${it.connection}")
                if (random.nextBoolean()) it.release() else it.discard()
            }
            "cancel" -> actors.withIndex().filter { it.value.isActive }.randomOrNull()?.let {
                note("cancel actor ${it.index}")
                it.value.cancel()
            }
            "advance" -> random.nextInt(1500).milliseconds.let { note("advance $it"); test.advanceTimeBy(it) }
            "changeManager" -> changeManager()
            "evict" -> if (random.nextBoolean()) pool.evictAll() else test.launch { pool.evictIdle() }
            "tryAcquire" -> runCatching { pool.tryAcquire() }.getOrNull()?.let {
                if (closed) errors += "tryAcquire handed out ${it.connection} after close()"
                took(it)
            }
            "close" -> {
                closed = true
                if (random.nextBoolean()) pool.close() else test.launch { pool.close(random.nextInt(2000).milliseconds) }
            }
        }
    }

    private fun note(event: String) {
        trace += "  @${test.testScheduler.currentTime}ms $event"
    }

    private fun changeManager() {
        fun delayMs() = (1 + random.nextInt(1200)).milliseconds
        val what = random.nextInt(3)
        try {
            changeManager(what, ::delayMs)
        } finally {
            note("manager create=${manager.onCreate} recycle=${manager.onRecycle} destroy=${manager.onDestroy}")
        }
    }

    private fun changeManager(what: Int, delayMs: () -> Duration) {
        when (what) {
            0 -> manager.onCreate = when (random.nextInt(6)) {
                0, 1 -> Behavior.Succeed
                2 -> Behavior.Fail()
                3 -> Behavior.Slow(delayMs())
                4 -> Behavior.SlowThenFail(delayMs())
                else -> Behavior.Never
            }
            1 -> {
                manager.onRecycle = when (random.nextInt(5)) {
                    0, 1 -> Behavior.Succeed
                    2 -> Behavior.Fail()
                    3 -> Behavior.Slow(delayMs())
                    else -> Behavior.Never
                }
                val failing = random.nextInt(3)
                manager.recycleResult = { conn -> failing == 0 || conn.id % failing != 0 }
            }
            else -> manager.onDestroy = if (random.nextBoolean()) Behavior.Succeed else Behavior.Slow(delayMs())
        }
    }

    private fun actor(block: suspend () -> Unit) {
        val closedBefore = closed
        val index = actors.size
        note("actor $index starts")
        actors += test.launch {
            try {
                block()
                note("actor $index done")
                if (closedBefore) errors += "an acquire started after close() succeeded"
            } catch (e: CancellationException) {
                note("actor $index cancelled")
                throw e
            } catch (e: PoolException) {
                note("actor $index failed: $e")
                if (closedBefore && e !is PoolClosedException) errors += "after close() expected PoolClosedException, got $e"
            } catch (e: IOException) {
                if (!e.message.orEmpty().startsWith("deliberate")) errors += "unexpected $e"
            } catch (e: Throwable) {
                errors += "unexpected $e"
            }
        }
    }

    private fun took(lease: Lease<FakeConn>) {
        note("took ${lease.connection}")
        handedOut(lease.connection)
        held += lease
    }

    /** Invariants 2 and 4 at the moment of hand-out. */
    private fun handedOut(conn: FakeConn) {
        if (conn.poisoned) errors += "$conn handed out although its state is unknown (destroyed=${conn.destroyed})"
        if (held.any { it.connection === conn } || conn in inBlocks) errors += "$conn leased twice at once"
    }

    private fun takeHeld(): Lease<FakeConn>? = if (held.isEmpty()) null else held.removeAt(random.nextInt(held.size))

    private fun check(where: String) {
        fun fail(message: String): Nothing =
            throw AssertionError("$where: $message\nconfig=${pool.config}\nstats=${pool.stats}\ntrace=\n${trace.joinToString("\n")}")
        if (errors.isNotEmpty()) fail(errors.joinToString("; "))
        if (manager.violations.isNotEmpty()) fail(manager.violations.joinToString("; "))
        val stats = pool.stats
        if (stats.size > maxSize || stats.idle + stats.inUse + stats.creating > maxSize) fail("invariant 1 broken")
        // Invariant 3: every connection ever created is idle, leased, being checked, or destroyed (or queued for
        // destroy: the pool counts it destroyed before the manager sees the call) exactly once.
        val accounted = stats.destroyed + stats.idle + held.size + inBlocks.size + manager.recyclingNow
        if (manager.created.toLong() != accounted || stats.created != manager.created.toLong()) {
            fail(
                "created ${manager.created} (pool says ${stats.created}) != destroyed ${stats.destroyed} + " +
                    "idle ${stats.idle} + held ${held.size} + in use blocks ${inBlocks.size} + " +
                    "recycling ${manager.recyclingNow}",
            )
        }
        if (manager.destroyed > stats.destroyed) fail("manager saw ${manager.destroyed} destroys, pool counted ${stats.destroyed}")
    }

    private suspend fun drainAndVerify() {
        actors.forEach { it.cancel() }
        test.runCurrent()
        held.toList().forEach { it.release() }
        returned += held
        held.clear()
        manager.onCreate = Behavior.Succeed
        manager.onRecycle = Behavior.Succeed
        manager.recycleResult = { true }
        manager.onDestroy = Behavior.Succeed
        test.advanceTimeBy(5.seconds)
        test.runCurrent()
        check("after draining")
        if (!closed) {
            // No permit lost: maxSize leases can be held at once again.
            repeat(maxSize) { i ->
                var lease: Lease<FakeConn>? = null
                var attempts = 0
                while (lease == null) {
                    try {
                        lease = pool.acquire()
                    } catch (e: ConnectionCreateException) {
                        if (++attempts > 5) throw AssertionError("lease $i of $maxSize: pool never recovered; trace=$trace", e)
                        test.advanceTimeBy(1.seconds)
                    } catch (e: PoolException) {
                        throw AssertionError("lease $i of $maxSize could not be acquired; stats=${pool.stats}; trace=$trace", e)
                    }
                }
                took(lease)
            }
            check("after taking maxSize leases")
            pool.close()
        }
        held.forEach { it.release() }
        held.clear()
        test.advanceTimeBy(1.minutes)
        test.runCurrent()
        check("after close")
        if (manager.destroyed.toLong() != pool.stats.destroyed || manager.aliveCount != 0) {
            throw AssertionError("connections still alive after close: ${manager.aliveConnections}; trace=\n${trace.joinToString("\n")}")
        }
    }
}
