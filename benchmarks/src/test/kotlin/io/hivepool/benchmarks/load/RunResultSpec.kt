package io.hivepool.benchmarks.load

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class RunResultSpec : FunSpec({
    test("a run prints as one JSON line with the fields of DESIGN §5, rates rounded, latencies to 0.1 µs") {
        RunResult("jedis-pool", 64, 16, 58_123.6, 812.34, 2_501.0, 180_000.25, 3).toJson() shouldBe
            """{"client":"jedis-pool","concurrency":64,"pool":16,"ops_per_s":58124,"p50_us":812.3,""" +
            """"p99_us":2501.0,"p999_us":180000.3,"errors":3}"""
    }

    test("a latency the client cannot report is null") {
        RunResult("redis-benchmark", 16, 16, 90_000.0, 120.0, 330.0, null, 0).toJson() shouldBe
            """{"client":"redis-benchmark","concurrency":16,"pool":16,"ops_per_s":90000,"p50_us":120.0,""" +
            """"p99_us":330.0,"p999_us":null,"errors":0}"""
    }
})
