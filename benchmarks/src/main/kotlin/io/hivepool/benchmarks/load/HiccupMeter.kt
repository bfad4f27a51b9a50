package io.hivepool.benchmarks.load

import java.util.Locale
import java.util.concurrent.locks.LockSupport

/**
 * A thread of the load generator's JVM that does nothing but sleep [resolutionNanos] at a time, and notes each time
 * it woke up more than [lateOverNanos] late. Such a thread needs a few microseconds of CPU now and then: when it wakes
 * up milliseconds late, no thread of this JVM could run (a GC or other safepoint pause, the host taking the vCPUs,
 * both cores held by other threads). A stall of every caller that overlaps one of its late wake-ups was the
 * platform's; one that does not held up the client's threads or Redis while an idle thread could still run
 * (jHiccup's idea, built small for the load generator).
 *
 * [sleep] is how it sleeps and [nanoTime] how it reads the time (tests stall it, or move its clock, on purpose). The
 * late spans ([Hiccups.spans]) are in [nanoTime]'s units, [System.nanoTime] unless a test says otherwise, from when it
 * should have woken up to when it did.
 */
class HiccupMeter(
    private val resolutionNanos: Long = 1_000_000,
    val lateOverNanos: Long = 1_000_000,
    private val nanoTime: () -> Long = System::nanoTime,
    private val sleep: (Long) -> Unit = LockSupport::parkNanos,
) : AutoCloseable {
    private val lock = Any()
    private val spans = ArrayList<LongArray>() // under lock
    @Volatile
    private var running = true
    private val thread = Thread(::run, "hiccup-meter").apply { isDaemon = true }

    fun start(): HiccupMeter = apply { thread.start() }

    private fun run() {
        while (running) {
            val asleep = nanoTime()
            sleep(resolutionNanos)
            val due = asleep + resolutionNanos
            val woke = nanoTime()
            if (woke - due > lateOverNanos) synchronized(lock) { spans.add(longArrayOf(due, woke)) }
        }
    }

    /** Forgets the late wake-ups noted so far: the measured phase starts. */
    fun reset() = synchronized(lock) { spans.clear() }

    /** The late wake-ups noted since the last [reset]. */
    fun read(): Hiccups = Hiccups(resolutionNanos, lateOverNanos, synchronized(lock) { spans.toList() })

    override fun close() {
        running = false
        thread.interrupt()
        thread.join()
    }
}

/** The late wake-ups of a [HiccupMeter]: each span is (when it should have woken up, when it did). */
class Hiccups(private val resolutionNanos: Long, private val lateOverNanos: Long, val spans: List<LongArray>) {
    /** How many of [episodes] overlap at least one of these spans. */
    fun overlapping(episodes: List<SlowCommands.Episode>): Int =
        episodes.count { e -> spans.any { s -> s[0] <= e.endNanos && e.startNanos <= s[1] } }

    /** One line for stderr, with how many of the episodes that held up every caller were the platform's. */
    fun describe(slow: SlowCommands.Summary): String {
        val everyone = slow.everyone
        val total = spans.sumOf { it[1] - it[0] } / 1e6
        val longest = (spans.maxOfOrNull { it[1] - it[0] } ?: 0L) / 1e6
        val (step, late) = resolutionNanos / 1e6 to lateOverNanos / 1e6
        return String.format(Locale.ROOT, "a thread sleeping %.1f ms at a time woke up over %.1f ms late %d times ", step, late, spans.size) +
            String.format(Locale.ROOT, "(%.1f ms in all, the longest %.1f ms); ", total, longest) +
            "${overlapping(everyone)} of the ${everyone.size} episodes that held up ${slow.who} at once overlapped one"
    }
}
