@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Invariant 5: waiters are served first-come first-served; a newcomer never barges past a queued waiter. */
class FairnessSpec : FunSpec({

    test("waiters are served in the order they arrived") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1 }
            val held = pool.acquire()
            val served = mutableListOf<Int>()
            val waiters = List(10) { i ->
                launch {
                    pool.use { served += i; delay(1.milliseconds) }
                }.also { runCurrent() }
            }
            held.release()
            waiters.joinAll()
            served shouldBe (0 until 10).toList()
        }
    }

    test("a newcomer's tryAcquire never takes a connection released for a queued waiter") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1; validateAfterIdle = 1.seconds }
            val held = pool.acquire()
            val waiter = async { pool.acquire() }
            runCurrent()
            held.release()
            pool.tryAcquire() shouldBe null
            waiter.await().connection shouldBeSameInstanceAs held.connection
        }
    }

    test("a newcomer's acquire queues behind the waiter that arrived first") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1 }
            val held = pool.acquire()
            val order = mutableListOf<String>()
            val first = launch { pool.use { order += "first"; delay(10.milliseconds) } }
            runCurrent()
            held.release()
            val newcomer = launch { pool.use { order += "newcomer" } }
            joinAll(first, newcomer)
            order shouldBe listOf("first", "newcomer")
        }
    }

    test("a connection created while others wait goes to the longest waiter") {
        poolTest {
            val manager = FakeManager().apply { onCreate = Behavior.Slow(1.seconds) }
            val pool = fakePool(manager) { maxSize = 2 }
            val held = pool.acquire()
            val served = mutableListOf<Int>()
            val waiters = List(3) { i ->
                launch { pool.use { served += i; delay(5.seconds) } }.also { advanceTimeBy(100.milliseconds) }
            }
            advanceTimeBy(2.seconds)
            served shouldBe listOf(0)
            held.release()
            waiters.joinAll()
            served shouldBe listOf(0, 1, 2)
        }
    }

    test("waiters keep their order when connections are discarded and recreated") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 1 }
            val held = pool.acquire()
            val served = mutableListOf<Int>()
            val waiters = List(5) { i ->
                launch {
                    val lease = pool.acquire()
                    served += i
                    lease.discard()
                }.also { runCurrent() }
            }
            held.discard()
            waiters.joinAll()
            served shouldBe (0 until 5).toList()
        }
    }
})
