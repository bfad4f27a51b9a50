package io.hivepool.benchmarks.load

import io.kotest.assertions.nondeterministic.eventually
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import kotlinx.coroutines.yield
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.locks.LockSupport
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class HiccupMeterSpec : FunSpec({
    val ms = 1_000_000L

    test("a wake-up later than the threshold is noted with its span, and reset forgets what came before") {
        // The meter reads a clock only its own sleeps move: one step per sleep, 40 ms for the stalled one. No real
        // stall of this JVM can add a span, and none is waited for.
        val clock = AtomicLong(0)
        val stall = AtomicBoolean(false)
        val sleeps = AtomicInteger(0)
        val meter = HiccupMeter(lateOverNanos = 20 * ms, nanoTime = clock::get) { nanos ->
            clock.addAndGet(if (stall.getAndSet(false)) 40 * ms else nanos)
            sleeps.incrementAndGet()
            LockSupport.parkNanos(nanos)
        }.start()
        meter.use {
            eventually(5.seconds) { sleeps.get() shouldBeGreaterThanOrEqual 3 }
            meter.read().spans.shouldBeEmpty()
            stall.set(true)
            eventually(5.seconds) { meter.read().spans.size shouldBe 1 }
            val (due, woke) = meter.read().spans.single()
            woke - due shouldBe 39 * ms // it slept 40 ms where it meant to sleep 1

            meter.reset()
            meter.read().spans.shouldBeEmpty()
        }
    }

    test("an episode counts as the platform's when it shares time with a late wake-up") {
        val episodes = listOf(
            SlowCommands.Episode(commands = 64, callers = 64, startNanos = 0, endNanos = 10 * ms),
            SlowCommands.Episode(commands = 64, callers = 64, startNanos = 20 * ms, endNanos = 30 * ms),
            SlowCommands.Episode(commands = 64, callers = 64, startNanos = 40 * ms, endNanos = 50 * ms),
        )
        // one inside the first, one touching the second's end; none near the third
        val hiccups = Hiccups(ms, ms, listOf(longArrayOf(2 * ms, 5 * ms), longArrayOf(30 * ms, 33 * ms), longArrayOf(60 * ms, 61 * ms)))

        hiccups.overlapping(episodes) shouldBe 2
    }

    test("its line says how often and how long the thread was held up, and which stalls of every caller were the platform's") {
        val slow = SlowCommands(thresholdNanos = ms, callers = 2)
        slow.logs[0].add(0, 10 * ms)
        slow.logs[1].add(1 * ms, 10 * ms)
        val hiccups = Hiccups(ms, ms, listOf(longArrayOf(2 * ms, 5 * ms), longArrayOf(60 * ms, 62 * ms)))

        hiccups.describe(slow.summary(of = 100)) shouldBe "a thread sleeping 1.0 ms at a time woke up over 1.0 ms late 2 times " +
            "(5.0 ms in all, the longest 3.0 ms); 1 of the 1 episodes that held up 90 % or more of the callers at once overlapped one"
    }

    test("the closed loop tells a stall of every caller that the platform shared from one it did not") {
        fun run(meter: HiccupMeter, window: LongRange): String {
            val client = object : Client {
                override val name = "fake"
                override val connections = 1
                override fun run(load: Load): RunResult = ClosedLoop.onCoroutines(this, load, meter) {
                    if (System.nanoTime() in window) delay(30) else yield()
                }
                override fun close() {}
            }
            val load = Load(
                concurrency = 4, duration = 300.milliseconds, ops = null, warmup = Duration.ZERO, keyspace = Keyspace(size = 1),
                slowOver = 2.milliseconds,
            )
            return captureStderr { client.run(load) }.single { it.startsWith("fake hiccups: ") }
        }
        fun windowFromNow(): LongRange = System.nanoTime().let { it + 100 * ms..it + 120 * ms }

        // The callers alone stall. Only a real stall of this JVM (over 20 ms: rare, but CI has shown one) may make the
        // meter late; then it may rightly share the episode, and this half cannot tell. Otherwise nothing is shared.
        val callersOnly = run(HiccupMeter(lateOverNanos = 20 * ms), windowFromNow())
        val counts = Regex("""late (\d+) times .*; (\d+) of the (\d+) episodes""").find(callersOnly)
        val (late, sharedByIdle, everyone) = counts!!.destructured
        withClue(callersOnly) { everyone.toInt() shouldBeGreaterThanOrEqual 1 }
        if (late.toInt() == 0) withClue(callersOnly) { sharedByIdle.toInt() shouldBe 0 }

        // The meter's thread is held up in the same window, as a platform stall would hold it: its clock jumps 40 ms
        // ahead when the window opens, so the wake-up that crosses it is 40 ms late.
        val window = windowFromNow()
        val stalledInWindow = HiccupMeter(lateOverNanos = 20 * ms, nanoTime = {
            System.nanoTime().let { if (it >= window.first) it + 40 * ms else it }
        })
        val shared = run(stalledInWindow, window)
        shared shouldContain "over 20.0 ms late"
        val (overlapped, of) = Regex("""; (\d+) of the (\d+) episodes""").find(shared)!!.destructured
        withClue(shared) { overlapped.toInt() shouldBeGreaterThanOrEqual 1 }
        withClue(shared) { of.toInt() shouldBeGreaterThanOrEqual overlapped.toInt() }
    }
})
