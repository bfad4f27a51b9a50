@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** A lease held longer than leakDetectionThreshold is reported once: a counter and one WARN log line. */
class LeakDetectionSpec : FunSpec({

    test("a lease held past the threshold is reported exactly once") {
        val log = captureStandardError {
            poolTest {
                val pool = fakePool(FakeManager()) {
                    name = "leaky"; leakDetectionThreshold = 10.seconds; cleanupInterval = 1.seconds
                }
                val lease = pool.acquire()
                advanceTimeBy(9.seconds)
                pool.stats.leaksDetected shouldBe 0L
                advanceTimeBy(2.minutes)
                runCurrent()
                pool.stats.leaksDetected shouldBe 1L
                lease.release()
                pool.close()
            }
        }
        val warnings = log.lines().filter { " WARN " in it }
        warnings shouldHaveSize 1
        warnings.single() shouldContain "leaky"
    }

    test("each leaked lease is reported once, however long it is held") {
        poolTest {
            val pool = fakePool(FakeManager()) { maxSize = 3; leakDetectionThreshold = 10.seconds; cleanupInterval = 1.seconds }
            val leases = List(2) { pool.acquire() }
            advanceTimeBy(10.minutes)
            pool.stats.leaksDetected shouldBe 2L
            leases.forEach { it.release() }
        }
    }

    test("a lease released before the threshold is not reported") {
        val log = captureStandardError {
            poolTest {
                val pool = fakePool(FakeManager()) {
                    name = "tidy"; leakDetectionThreshold = 10.seconds; cleanupInterval = 1.seconds
                }
                val lease = pool.acquire()
                advanceTimeBy(9.seconds)
                lease.release()
                advanceTimeBy(1.minutes)
                pool.stats.leaksDetected shouldBe 0L
                pool.close()
            }
        }
        log.lines().filter { " WARN " in it }.shouldBeEmpty()
    }

    test("leak detection is off by default") {
        poolTest {
            val pool = fakePool(FakeManager()) { cleanupInterval = 10.seconds }
            val lease = pool.acquire()
            advanceTimeBy(1.hours)
            pool.stats.leaksDetected shouldBe 0L
            lease.release()
        }
    }
})

/** slf4j-simple writes to whatever System.err is at the time of each log call, so swapping it captures the log. */
private fun captureStandardError(block: () -> Unit): String {
    val original = System.err
    val buffer = ByteArrayOutputStream()
    System.setErr(PrintStream(buffer, true, Charsets.UTF_8))
    try {
        block()
    } finally {
        System.setErr(original)
    }
    return buffer.toString(Charsets.UTF_8)
}
