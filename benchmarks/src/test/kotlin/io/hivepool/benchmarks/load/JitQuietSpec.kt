package io.hivepool.benchmarks.load

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeGreaterThanOrEqualTo
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class JitQuietSpec : FunSpec({
    test("steps while the compiler works and stops at the first quiet step") {
        // compilation time after each step: busy, busy, quiet
        val totals = ArrayDeque(listOf(0, 300, 600, 605).map { it.milliseconds })
        var steps = 0
        JitQuiet.settle(atMost = 10.seconds, compiling = { totals.removeFirst() }) { step ->
            step shouldBe JitQuiet.WINDOW
            steps++
        }
        steps shouldBe 3
        totals.size shouldBe 0
    }

    test("a compiler that never goes quiet is waited for no longer than atMost") {
        var total = Duration.ZERO
        var steps = 0
        val took = JitQuiet.settle(atMost = 50.milliseconds, compiling = { total }) {
            total += 100.milliseconds
            steps++
        }
        took shouldBeGreaterThanOrEqualTo 50.milliseconds
        took shouldBeLessThan 5.seconds
        (steps > 1) shouldBe true
    }

    test("where the JVM does not measure compilation, nothing is waited for") {
        var steps = 0
        JitQuiet.settle(atMost = 10.seconds, compiling = { null }) { steps++ } shouldBe Duration.ZERO
        steps shouldBe 0
    }

    test("this JVM measures its compilation time") {
        (JitQuiet.compilationTime() != null) shouldBe true
    }
})
