package io.hivepool.benchmarks.load

import java.util.Locale

/**
 * The measured phase's slow commands, and whether they came one by one or together. A tail made of episodes in
 * which every caller was held up at once is the machine stopping (a kernel thread holding a core, the host taking
 * the vCPU, a GC pause): nothing a client does about its own queueing. A tail of lone slow commands is the client's
 * own unfairness or queueing (Jedis's p99.9 is that: a thread that loses the pool's lock again and again).
 *
 * Each caller keeps its own log ([Log], written by that caller only, so nothing is shared on the hot path); the
 * logs are read once the phase is over.
 */
class SlowCommands(val thresholdNanos: Long, callers: Int) {
    val logs: List<Log> = List(callers) { Log() }

    /** One caller's slow commands: start and end times, in [System.nanoTime] units. */
    class Log {
        private var times = LongArray(2 * 64)
        var count = 0
            private set

        fun add(start: Long, end: Long) {
            if (2 * count == times.size) times = times.copyOf(2 * times.size)
            times[2 * count] = start
            times[2 * count + 1] = end
            count++
        }

        fun start(i: Int) = times[2 * i]
        fun end(i: Int) = times[2 * i + 1]
    }

    /**
     * The slow commands, grouped into episodes: commands whose spans overlap (directly or through others) are one
     * episode. [of] is how many commands the phase completed, for the share.
     */
    fun summary(of: Long): Summary {
        val spans = ArrayList<LongArray>() // start, end, caller
        logs.forEachIndexed { caller, log -> for (i in 0 until log.count) spans.add(longArrayOf(log.start(i), log.end(i), caller.toLong())) }
        spans.sortBy { it[0] }
        val episodes = ArrayList<Episode>()
        var start = 0L
        var end = Long.MIN_VALUE
        var callers = HashSet<Long>()
        var commands = 0
        for (s in spans) {
            if (s[0] > end && commands > 0) {
                episodes.add(Episode(commands, callers.size, start, end))
                callers = HashSet()
                commands = 0
            }
            if (commands == 0) start = s[0]
            end = if (commands == 0) s[1] else maxOf(end, s[1])
            callers.add(s[2])
            commands++
        }
        if (commands > 0) episodes.add(Episode(commands, callers.size, start, end))
        return Summary(thresholdNanos, of, spans.size, episodes, logs.size)
    }

    /** [commands] slow commands with overlapping spans, from [callers] distinct callers, from [startNanos] to [endNanos]. */
    data class Episode(val commands: Int, val callers: Int, val startNanos: Long, val endNanos: Long) {
        val spanNanos: Long get() = endNanos - startNanos
    }

    data class Summary(val thresholdNanos: Long, val total: Long, val slow: Int, val episodes: List<Episode>, val callers: Int) {
        /** Episodes that held up at least 90 % of the callers at once. */
        val everyone: List<Episode> get() = episodes.filter { 10 * it.callers >= 9 * callers }

        /** Who [everyone]'s episodes held up, in words. */
        val who: String get() = if (callers == 1) "the one caller" else "90 % or more of the callers"

        /** One line for stderr. */
        fun describe(): String {
            val share = if (total == 0L) 0.0 else 100.0 * slow / total
            val inEveryone = everyone.sumOf { it.commands }
            val longest = (episodes.maxOfOrNull { it.spanNanos } ?: 0L) / 1e6
            return String.format(Locale.ROOT, "%d commands over %.1f ms (%.3f %%), in %d episodes; ", slow, thresholdNanos / 1e6, share, episodes.size) +
                String.format(Locale.ROOT, "%d episodes held up %s at once (%d of the slow commands); ", everyone.size, who, inEveryone) +
                String.format(Locale.ROOT, "the longest episode lasted %.1f ms", longest)
        }
    }

    companion object {
        /** A command is slow past this many times the warm-up's median, and never under a millisecond. */
        const val TIMES_MEDIAN = 4

        fun thresholdNanos(warmupMedianNanos: Long): Long = maxOf(1_000_000L, TIMES_MEDIAN * warmupMedianNanos)
    }
}
