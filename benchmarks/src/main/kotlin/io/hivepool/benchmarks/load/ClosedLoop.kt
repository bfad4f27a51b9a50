package io.hivepool.benchmarks.load

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.HdrHistogram.Histogram
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.atomic.AtomicReference
import kotlin.time.Duration
import kotlin.time.DurationUnit

/**
 * The closed loop itself: every caller issues one command, waits for its reply, records the latency and
 * goes again, until the phase ends. A warm-up phase (not recorded) runs first with the same callers' shape,
 * and goes on until the JIT compiler is quiet (see [JitQuiet]).
 *
 * Each caller owns its histogram (no sharing on the hot path); they are merged when the phase is over.
 * Errors are counted, not recorded as latencies; the first one is printed so a broken setup is visible.
 * The measured phase's slow commands (over `--slow-over`, or four times the warm-up's median) are also logged, and
 * stderr says whether they came alone or in episodes that held up every caller at once ([SlowCommands]), and how many
 * of those episodes a thread that only sleeps was held up in too: the platform's stalls ([HiccupMeter]).
 */
object ClosedLoop {
    /** [Load.concurrency] platform threads, each calling [op] in a loop. */
    fun onThreads(client: Client, load: Load, meter: HiccupMeter = HiccupMeter(), op: (String) -> Unit): RunResult =
        measure(client, load, meter) { phase ->
            val threads = List(load.concurrency) { i ->
                Thread({ phase.caller(i) { key -> op(key) } }, "${client.name}-caller-$i")
            }
            threads.forEach(Thread::start)
            threads.forEach(Thread::join)
        }

    /** [Load.concurrency] coroutines on [Dispatchers.Default], each calling [op] in a loop. */
    fun onCoroutines(client: Client, load: Load, meter: HiccupMeter = HiccupMeter(), op: suspend (String) -> Unit): RunResult =
        measure(client, load, meter) { phase ->
            runBlocking(Dispatchers.Default) {
                List(load.concurrency) { i -> launch { phase.callerSuspending(i) { key -> op(key) } } }.joinAll()
            }
        }

    /**
     * [Load.concurrency] asynchronous callers and no thread of their own: each issues [op], and when its future
     * completes (on whatever thread completes it) records the latency and issues the next.
     */
    @JvmOverloads
    fun onFutures(
        client: Client,
        load: Load,
        meter: HiccupMeter = HiccupMeter(),
        op: java.util.function.Function<String, CompletableFuture<*>>,
    ): RunResult =
        measure(client, load, meter) { phase ->
            CompletableFuture.allOf(*Array(load.concurrency) { i -> phase.callerAsync(i, op) }).join()
        }

    private fun measure(client: Client, load: Load, meter: HiccupMeter, drive: (Phase) -> Unit): RunResult =
        meter.start().use { runPhases(client, load, it, drive) }

    /** The warm-up, then the measured phase; [meter] is running. */
    private fun runPhases(client: Client, load: Load, meter: HiccupMeter, drive: (Phase) -> Unit): RunResult {
        // One set of histograms serves every phase of the run, and is emptied after the warm-up.
        val histograms = List(load.concurrency) { Histogram(HIGHEST_NANOS, 3) }
        var warmupMedian = 0L
        if (load.warmup.isPositive()) {
            drive(Phase(load, histograms, load.warmup, opsLimit = null))
            val more = JitQuiet.settle(atMost = load.warmup * 3) { step -> drive(Phase(load, histograms, step, opsLimit = null)) }
            System.err.println("${client.name}: warm-up went on for ${more.toString(DurationUnit.SECONDS, 1)} more, until the JIT compiler was quiet")
            warmupMedian = Histogram(HIGHEST_NANOS, 3).also { m -> histograms.forEach(m::add) }.getValueAtPercentile(50.0)
            histograms.forEach(Histogram::reset)
        }
        val slow = SlowCommands(load.slowOver?.inWholeNanoseconds ?: SlowCommands.thresholdNanos(warmupMedian), load.concurrency)
        // The callers' histograms hold about 200 KB each (14 MB for 64 callers). Left in the young generation,
        // they would be copied by every young pause of the measured phase, adding milliseconds that every
        // caller waits out. A full collection now moves them, and whatever else the run keeps, to the old one.
        System.gc()
        meter.reset()
        val phase = Phase(load, histograms, load.duration, load.ops, slow)
        val started = System.nanoTime()
        drive(phase)
        val elapsedNanos = System.nanoTime() - started
        val hiccups = meter.read()
        val merged = Histogram(HIGHEST_NANOS, 3)
        phase.histograms.forEach(merged::add)
        phase.firstError.get()?.let { System.err.println("${client.name}: first of ${phase.errors.get()} errors: $it") }
        val slowSummary = slow.summary(of = merged.totalCount)
        System.err.println("${client.name} slow: ${slowSummary.describe()}")
        System.err.println("${client.name} hiccups: ${hiccups.describe(slowSummary)}")
        return RunResult(
            client = client.name,
            concurrency = load.concurrency,
            pool = client.connections,
            opsPerSecond = merged.totalCount * 1e9 / elapsedNanos,
            p50Micros = merged.getValueAtPercentile(50.0) / 1e3,
            p99Micros = merged.getValueAtPercentile(99.0) / 1e3,
            p999Micros = merged.getValueAtPercentile(99.9) / 1e3,
            errors = phase.errors.get(),
        )
    }

    /** One warm-up or measured phase: ends at its deadline, or after [opsLimit] commands when set. */
    private class Phase(
        private val load: Load,
        val histograms: List<Histogram>,
        duration: Duration,
        private val opsLimit: Long?,
        private val slow: SlowCommands? = null, // the measured phase only
    ) {
        private val deadline = System.nanoTime() + if (opsLimit == null) duration.inWholeNanoseconds else Long.MAX_VALUE / 2
        private val issued = AtomicLong()
        val errors = AtomicLong()
        val firstError = AtomicReference<Throwable?>()
        // histograms[i] is written by caller i only: one thread, or one chain of futures (completions are ordered)

        /** Records one command's latency, and logs it with [slow] when it is over the threshold. */
        private fun record(histogram: Histogram, index: Int, start: Long) {
            val end = System.nanoTime()
            histogram.recordValue(minOf(end - start, HIGHEST_NANOS))
            if (slow != null && end - start > slow.thresholdNanos) slow.logs[index].add(start, end)
        }

        private fun more(): Boolean =
            if (opsLimit != null) issued.getAndIncrement() < opsLimit else System.nanoTime() < deadline

        fun caller(index: Int, op: (String) -> Unit) {
            val histogram = histograms[index]
            while (more()) {
                val key = load.keyspace.randomKey()
                val start = System.nanoTime()
                try {
                    op(key)
                    record(histogram, index, start)
                } catch (e: Exception) {
                    failed(e)
                }
            }
        }

        suspend fun callerSuspending(index: Int, op: suspend (String) -> Unit) {
            val histogram = histograms[index]
            while (more()) {
                val key = load.keyspace.randomKey()
                val start = System.nanoTime()
                try {
                    op(key)
                    record(histogram, index, start)
                } catch (e: kotlinx.coroutines.CancellationException) {
                    throw e
                } catch (e: Exception) {
                    failed(e)
                }
            }
        }

        /** A caller as a chain of futures; the returned future completes when the phase is over for it. */
        fun callerAsync(index: Int, op: java.util.function.Function<String, CompletableFuture<*>>): CompletableFuture<Void?> {
            val histogram = histograms[index]
            val done = CompletableFuture<Void?>()
            fun issue() {
                // Loops while replies come back synchronously, so a chain never grows the stack.
                while (more()) {
                    val key = load.keyspace.randomKey()
                    val start = System.nanoTime()
                    val reply = try {
                        op.apply(key)
                    } catch (e: Exception) {
                        failed(e)
                        continue
                    }
                    val finished = { error: Throwable? ->
                        if (error == null) record(histogram, index, start) else failed(error)
                    }
                    if (!reply.isDone) {
                        reply.whenComplete { _, error ->
                            finished(error)
                            issue()
                        }
                        return
                    }
                    finished(if (reply.isCompletedExceptionally) runCatching { reply.join() }.exceptionOrNull() else null)
                }
                done.complete(null)
            }
            issue()
            return done
        }

        private fun failed(e: Throwable) {
            errors.incrementAndGet()
            firstError.compareAndSet(null, e)
        }
    }

    /** Latencies above a minute are clamped: a reply that slow is a broken run, not a data point. */
    private const val HIGHEST_NANOS = 60_000_000_000L
}
