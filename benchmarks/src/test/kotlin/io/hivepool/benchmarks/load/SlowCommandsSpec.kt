package io.hivepool.benchmarks.load

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import kotlinx.coroutines.yield
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

class SlowCommandsSpec : FunSpec({
    test("slow commands whose spans overlap, directly or through another, are one episode") {
        val slow = SlowCommands(thresholdNanos = 1_000_000, callers = 4)
        val ms = 1_000_000L
        // one episode that held up all four callers: 0-10 overlaps 5-20, which overlaps 15-30 and 18-25
        slow.logs[0].add(0, 10 * ms)
        slow.logs[1].add(5 * ms, 20 * ms)
        slow.logs[2].add(15 * ms, 30 * ms)
        slow.logs[3].add(18 * ms, 25 * ms)
        // then two lone ones, the second from a caller already seen
        slow.logs[1].add(100 * ms, 110 * ms)
        slow.logs[1].add(111 * ms, 113 * ms)

        val summary = slow.summary(of = 1000)

        summary.episodes shouldContainExactly listOf(
            SlowCommands.Episode(commands = 4, callers = 4, startNanos = 0, endNanos = 30 * ms),
            SlowCommands.Episode(commands = 1, callers = 1, startNanos = 100 * ms, endNanos = 110 * ms),
            SlowCommands.Episode(commands = 1, callers = 1, startNanos = 111 * ms, endNanos = 113 * ms),
        )
        summary.everyone shouldContainExactly listOf(SlowCommands.Episode(commands = 4, callers = 4, startNanos = 0, endNanos = 30 * ms))
        summary.describe() shouldContain "6 commands over 1.0 ms (0.600 %), in 3 episodes; 1 episodes held up 90 % or more of the " +
            "callers at once (4 of the slow commands); the longest episode lasted 30.0 ms"
    }

    test("a caller's log grows past its first capacity and keeps every span in order") {
        val log = SlowCommands.Log()
        repeat(1000) { log.add(it * 10L, it * 10L + 5) }
        log.count shouldBe 1000
        log.start(999) shouldBe 9990
        log.end(999) shouldBe 9995
    }

    test("the threshold is four times the warm-up's median, never under a millisecond") {
        SlowCommands.thresholdNanos(500_000) shouldBe 2_000_000
        SlowCommands.thresholdNanos(100_000) shouldBe 1_000_000
        SlowCommands.thresholdNanos(0) shouldBe 1_000_000
    }

    test("the closed loop logs the measured phase's slow commands: a stall that catches every caller is one episode") {
        val started = System.nanoTime()
        val window = started + 100_000_000..started + 120_000_000
        val client = object : Client {
            override val name = "fake"
            override val connections = 1
            // Commands take microseconds, but every one that starts in the window waits 30 ms: each of the four
            // callers enters it once, and their waits overlap.
            override fun run(load: Load): RunResult = ClosedLoop.onCoroutines(this, load) {
                if (System.nanoTime() in window) delay(30) else yield()
            }
            override fun close() {}
        }
        // No warm-up, so the measured phase starts at once; slow is over 2 ms.
        val load = Load(
            concurrency = 4, duration = 300.milliseconds, ops = null, warmup = Duration.ZERO, keyspace = Keyspace(size = 1),
            slowOver = 2.milliseconds,
        )
        val line = captureStderr { client.run(load) }.single { it.startsWith("fake slow: ") }
        // At least the stall's episode: a pause of the test's own JVM or machine may add more.
        line shouldContain "over 2.0 ms"
        val everyone = Regex("""; (\d+) episodes held up 90 % or more of the callers""").find(line)!!.groupValues[1].toInt()
        withClue(line) { everyone shouldBeGreaterThanOrEqual 1 }
    }
})
