@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldNotBeEmpty
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** Invariant 7: background jobs (reaper, min-idle filler, dial probe) are children of the pool's scope; none outlives close(). */
class BackgroundJobsSpec : FunSpec({

    test("the reaper and the filler run as children of the scope given to the pool") {
        poolTest {
            val parent = Job()
            val pool = poolInScope(parent, FakeManager()) { minIdle = 2; leakDetectionThreshold = 5.seconds }
            runCurrent()
            parent.children.toList().shouldNotBeEmpty()
            pool.stats.idle shouldBe 2
            pool.close()
            runCurrent()
            parent.children.toList().shouldBeEmpty()
        }
    }

    test("no background job outlives close even while a create hangs") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Never }
            val parent = Job()
            val pool = poolInScope(parent, manager) { minIdle = 1; createTimeout = 1.minutes }
            runCurrent()
            manager.creatingNow shouldBe 1
            pool.close()
            runCurrent()
            parent.children.toList().shouldBeEmpty()
            manager.creatingNow shouldBe 0
        }
    }

    test("no background job outlives close while the dial probe is backing off") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Fail() }
            val parent = Job()
            val pool = poolInScope(parent, manager) {
                minIdle = 1; createFailureThreshold = 1; createBackoff = 10.seconds
            }
            advanceTimeBy(25.seconds)
            runCatching { pool.acquire() }
            pool.close()
            runCurrent()
            parent.children.toList().shouldBeEmpty()
            val callsAtClose = manager.createCalls
            advanceTimeBy(60.seconds)
            manager.createCalls shouldBe callsAtClose
        }
    }

    test("closing the pool leaves the caller's scope alive") {
        poolTest {
            val parent = Job()
            val pool = poolInScope(parent, FakeManager()) { minIdle = 1 }
            runCurrent()
            pool.close()
            runCurrent()
            parent.isActive shouldBe true
            parent.isCancelled shouldBe false
            parent.complete()
            runCurrent()
            parent.isCompleted shouldBe true
        }
    }

    test("the reaper stops running after close") {
        poolTest {
            val manager = FakeManager()
            val parent = Job()
            val pool = poolInScope(parent, manager) { idleTimeout = 1.seconds; cleanupInterval = 100.milliseconds }
            pool.acquire().release()
            pool.close()
            runCurrent()
            val destroyedAtClose = manager.destroyed
            advanceTimeBy(10.seconds)
            manager.destroyed shouldBe destroyedAtClose
            parent.children.toList().shouldBeEmpty()
        }
    }
})

/** A pool whose background jobs are children of [parent], dispatched on the test's virtual time. */
private fun TestScope.poolInScope(
    parent: Job,
    manager: FakeManager,
    configure: PoolConfig.Builder.() -> Unit,
): Pool<FakeConn> {
    val scope = CoroutineScope(backgroundScope.coroutineContext + parent)
    return Pool(manager) {
        name = "test"
        timeSource = testScheduler.timeSource
        this.scope = scope
        configure()
    }
}
