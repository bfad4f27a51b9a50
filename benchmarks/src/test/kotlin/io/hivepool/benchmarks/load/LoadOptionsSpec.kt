package io.hivepool.benchmarks.load

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.io.File
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class LoadOptionsSpec : FunSpec({
    test("no arguments mean every client, 64 callers, 16 connections, 10s measured after 3s of warm-up") {
        LoadOptions.parse(emptyArray()) shouldBe
            LoadOptions(listOf("all"), listOf(64), 16, 10.seconds, null, 3.seconds, null)
    }

    test("every option is read, concurrency as a list and durations as duration strings or seconds") {
        val options = LoadOptions.parse(
            arrayOf(
                "--clients", "jedis-pool, lettuce-shared", "--concurrency", "16,64", "--pool", "8",
                "--duration", "500ms", "--ops", "1000", "--warmup", "0", "--out", "r.jsonl",
            ),
        )
        options shouldBe LoadOptions(
            listOf("jedis-pool", "lettuce-shared"), listOf(16, 64), 8, 500.milliseconds, 1000, 0.seconds, File("r.jsonl"),
        )
    }

    test("a bad value names the option and what it got") {
        shouldThrow<IllegalArgumentException> { LoadOptions.parse(arrayOf("--pool", "0")) }
            .message shouldBe "--pool must be a positive integer, was 0"
        shouldThrow<IllegalArgumentException> { LoadOptions.parse(arrayOf("--duration", "soon")) }
            .message shouldBe "--duration must be a duration such as 10s or 500ms, was soon"
        shouldThrow<IllegalArgumentException> { LoadOptions.parse(arrayOf("--duration", "0")) }
            .message shouldBe "--duration must be > 0, was 0"
    }

    test("an unknown option or a missing value shows the usage") {
        shouldThrow<IllegalArgumentException> { LoadOptions.parse(arrayOf("--fast")) }
            .message shouldBe "unknown option --fast; ${LoadOptions.USAGE}"
        shouldThrow<IllegalArgumentException> { LoadOptions.parse(arrayOf("--clients")) }
            .message shouldBe "--clients needs a value; ${LoadOptions.USAGE}"
    }

    test("--slow-over sets one threshold of slow commands for every client; by default there is none") {
        LoadOptions.parse(emptyArray()).slowOver shouldBe null
        LoadOptions.parse(arrayOf("--slow-over", "3ms")).slowOver shouldBe 3.milliseconds
        shouldThrow<IllegalArgumentException> { LoadOptions.parse(arrayOf("--slow-over", "0")) }
            .message shouldBe "--slow-over must be > 0, was 0"
    }

    test("--diagnostics turns on the per-client cost line, off by default") {
        LoadOptions.parse(emptyArray()).diagnostics shouldBe false
        LoadOptions.parse(arrayOf("--diagnostics", "--pool", "4")) shouldBe LoadOptions(poolSize = 4, diagnostics = true)
    }
})
