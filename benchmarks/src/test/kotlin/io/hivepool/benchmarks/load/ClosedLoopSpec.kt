package io.hivepool.benchmarks.load

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.delay
import kotlin.time.Duration.Companion.milliseconds

class ClosedLoopSpec : FunSpec({
    test("what the warm-up records is not in the measured result: the histograms both phases share are emptied") {
        val slowUntil = System.nanoTime() + 200_000_000 // every command of the first 200 ms takes 50 ms
        val client = object : Client {
            override val name = "fake"
            override val connections = 1
            override fun run(load: Load): RunResult = ClosedLoop.onCoroutines(this, load) {
                if (System.nanoTime() < slowUntil) delay(50) else delay(1)
            }
            override fun close() {}
        }
        val load = Load(concurrency = 2, duration = 300.milliseconds, ops = null, warmup = 300.milliseconds, keyspace = Keyspace(size = 1))

        val result = client.run(load)

        result.errors shouldBe 0
        // ~8 commands of 50 ms in the warm-up, against at most ~3,000 of ~1 ms in the whole run: were they kept,
        // they would be the p99.9
        result.p999Micros!! shouldBeLessThan 40_000.0
    }
})
