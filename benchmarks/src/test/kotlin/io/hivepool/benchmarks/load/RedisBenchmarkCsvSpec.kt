package io.hivepool.benchmarks.load

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class RedisBenchmarkCsvSpec : FunSpec({
    // redis-benchmark 7.0.15 `-t get ... --csv`, as printed on this machine
    val getOutput = """
        "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        "GET","76923.08","0.063","0.016","0.055","0.103","0.207","10.607"
    """.trimIndent()

    test("the GET row becomes a run result with rps, p50 and p99 in microseconds and no p99.9") {
        RedisBenchmarkClient.parseCsv(getOutput, "get", "redis-benchmark", 16) shouldBe
            RunResult("redis-benchmark", 16, 16, 76923.08, 55.0, 207.0, null, 0)
    }

    test("output without the expected row is an error that shows the output") {
        shouldThrow<IllegalStateException> {
            RedisBenchmarkClient.parseCsv(getOutput, "set", "redis-benchmark-set-P16", 16)
        }.message shouldBe "no SET row in redis-benchmark output: $getOutput"
    }
})
