@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.withTimeout
import java.util.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/**
 * Invariant 3: cancelling a waiting acquire() never loses a connection or a permit, including the race where
 * the connection was handed over just as the waiter was cancelled.
 */
class PoolCancellationSpec : FunSpec({

    test("a cancelled waiter leaves the queue and the next waiter is served") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1 }
            val held = pool.acquire()
            val cancelled = launch { pool.acquire() }
            val served = async { pool.acquire() }
            runCurrent()
            pool.stats.waiters shouldBe 2
            cancelled.cancel()
            runCurrent()
            pool.stats.waiters shouldBe 1
            held.release()
            served.await().connection shouldBeSameInstanceAs held.connection
            pool.stats.waiters shouldBe 0
        }
    }

    test("a cancelled waiter never loses the connection handed to it") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 1 }
            val held = pool.acquire()
            val waiter = launch { pool.acquire() }
            runCurrent()
            // The release hands the connection to the waiter; the cancel lands before the waiter resumes.
            held.release()
            waiter.cancel()
            runCurrent()
            pool.stats.idle shouldBe 1
            pool.stats.inUse shouldBe 0
            pool.acquire().connection shouldBeSameInstanceAs held.connection
            manager.created shouldBe 1
            manager.destroyed shouldBe 0
        }
    }

    test("a waiter cancelled just before the release does not take the connection with it") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 1 }
            val held = pool.acquire()
            val waiter = launch { pool.acquire() }
            runCurrent()
            waiter.cancel()
            held.release()
            runCurrent()
            pool.stats.idle shouldBe 1
            pool.acquire().connection shouldBeSameInstanceAs held.connection
            manager.created shouldBe 1
        }
    }

    test("a connection created for a waiter that has gone serves the next waiter") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Slow(1.seconds) }
            val pool = fakePool(manager) { maxSize = 1 }
            val gone = launch { pool.acquire() }
            advanceTimeBy(500.milliseconds)
            gone.cancel()
            val next = async { pool.acquire() }
            advanceTimeBy(600.milliseconds)
            runCurrent()
            next.isCompleted shouldBe true
            next.await().connection.id shouldBe 1
            manager.createCalls shouldBe 1
        }
    }

    test("a connection created for a waiter that has gone is pooled, not lost") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Slow(1.seconds) }
            val pool = fakePool(manager) { maxSize = 1 }
            val gone = launch { pool.acquire() }
            advanceTimeBy(500.milliseconds)
            gone.cancel()
            advanceTimeBy(2.seconds)
            (pool.stats.idle + manager.destroyed) shouldBe manager.created
            pool.stats.inUse shouldBe 0
            pool.acquire().release()
            pool.stats.size shouldBe 1
        }
    }

    test("an acquire cut short by the caller's own timeout gives back its place") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; acquireTimeout = 1.minutes }
            val held = pool.acquire()
            val result = runCatching { withTimeout(1.seconds) { pool.acquire() } }
            (result.exceptionOrNull() is TimeoutCancellationException) shouldBe true
            pool.stats.waiters shouldBe 0
            held.release()
            pool.acquire().connection shouldBeSameInstanceAs held.connection
        }
    }

    test("a waiter whose handed-over connection fails a recycle that outlasts acquireTimeout leaves no ghost behind") {
        poolTest {
            val manager = FakeManager()
            val pool = fakePool(manager) { maxSize = 1; acquireTimeout = 1.seconds; recycleTimeout = 2.seconds }
            val held = pool.acquire()
            val waiter = async { runCatching { pool.acquire() } }
            runCurrent()
            manager.onRecycle = Behavior.Never
            held.release()
            advanceTimeBy(2.seconds)
            runCurrent()
            waiter.await().exceptionOrNull().shouldBeInstanceOf<PoolTimeoutException>()
            manager.onRecycle = Behavior.Succeed
            runCurrent()
            // The caller gave up: nothing may stay leased or queued on its behalf.
            pool.stats.waiters shouldBe 0
            pool.stats.inUse shouldBe 0
            pool.acquire().connection.destroyed shouldBe false
        }
    }

    test("handoff racing cancellation over many random schedules never loses a connection or a permit") {
        val only = System.getProperty("hivepool.caseSeed")?.toLong()
        val seed = System.nanoTime()
        val random = Random(seed)
        val caseSeeds = if (only != null) listOf(only) else List(300) { random.nextLong() }
        caseSeeds.forEachIndexed { iteration, caseSeed ->
            withClue("seed=$seed iteration=$iteration caseSeed=$caseSeed (rerun with -Dhivepool.caseSeed=$caseSeed)") {
                poolTest { raceHandoffAgainstCancel(Random(caseSeed)) }
            }
        }
    }
})

private suspend fun TestScope.raceHandoffAgainstCancel(random: Random) {
    val maxSize = 1 + random.nextInt(3)
    val manager = FakeManager()
    if (random.nextBoolean()) manager.onCreate = Behavior.Slow((random.nextInt(20) + 1).milliseconds)
    val pool = fakePool(manager) { this.maxSize = maxSize; acquireTimeout = 10.minutes }
    val held = List(maxSize) { pool.acquire() }.toMutableList()
    val log = mutableListOf("maxSize=$maxSize create=${manager.onCreate}")
    val holding = mutableSetOf<FakeConn>()
    var served = 0
    val waiters = List(1 + random.nextInt(6)) { index ->
        val hold = random.nextInt(5).milliseconds
        launch {
            delay(random.nextInt(5).milliseconds)
            log += "${testScheduler.currentTime}ms waiter $index acquires"
            val lease = pool.acquire()
            log += "${testScheduler.currentTime}ms waiter $index got ${lease.connection}"
            try {
                served++
                check(holding.add(lease.connection)) { "${lease.connection} leased twice at once" }
                check(!lease.connection.destroyed) { "${lease.connection} handed out after destroy" }
                delay(hold)
            } finally {
                holding -= lease.connection
                lease.release()
            }
        }
    }
    val cancels = waiters.filter { random.nextBoolean() }
    val events = mutableListOf<suspend () -> Unit>()
    cancels.forEach { job ->
        events += { log += "${testScheduler.currentTime}ms cancel waiter ${waiters.indexOf(job)}"; job.cancel() }
    }
    held.forEach { lease ->
        events += {
            val discard = random.nextInt(4) == 0
            log += "${testScheduler.currentTime}ms ${if (discard) "discard" else "release"} ${lease.connection}"
            if (discard) lease.discard() else lease.release()
        }
    }
    events.shuffle(random)
    for (event in events) {
        event()
        if (random.nextInt(3) == 0) delay(random.nextInt(5).milliseconds)
    }
    // Creates run in the pool's (background) scope, which advanceUntilIdle does not wait for: give them time.
    advanceTimeBy(1.seconds)
    runCurrent()
    withClue({ log.joinToString("\n") }) { checkNothingLost(pool, manager, waiters, cancels, served) }
}

private suspend fun TestScope.checkNothingLost(
    pool: Pool<FakeConn>,
    manager: FakeManager,
    waiters: List<Job>,
    cancels: List<Job>,
    served: Int,
) {
    val maxSize = pool.config.maxSize
    // Every waiter that was not cancelled was served (none timed out: that would have failed the test).
    waiters.filter { it !in cancels }.forEach { it.isCompleted shouldBe true; it.isCancelled shouldBe false }
    // Invariant 3: every connection ever created is idle or destroyed, and none is counted twice.
    manager.created shouldBe pool.stats.idle + manager.destroyed
    pool.stats.inUse shouldBe 0
    pool.stats.waiters shouldBe 0
    (served <= waiters.size) shouldBe true
    // No permit lost: maxSize leases are still available at once.
    val again = List(maxSize) { async { pool.acquire() } }
    advanceTimeBy(1.seconds)
    runCurrent()
    again.forEach { it.isCompleted shouldBe true }
    again.map { it.await().connection }.distinct().size shouldBe maxSize
    manager.shouldHaveNoViolations()
    pool.close()
}
