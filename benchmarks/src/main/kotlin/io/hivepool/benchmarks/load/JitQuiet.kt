package io.hivepool.benchmarks.load

import java.lang.management.ManagementFactory
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.TimeSource

/**
 * Keeps the JIT compiler's start-up work out of every measured phase.
 *
 * A client's hot path can still be compiling when a fixed warm-up ends: on this 2-core machine C2 spent
 * 0.7–1 s of CPU on the Kotlin lease's first seconds, a full core while it ran, and a thread queued behind
 * it on that core stalls the chain. Under `mvn … exec:java` the generator also shares its JVM with the build
 * that ran just before it. So the generator waits for the compiler to go quiet before each client, and a
 * warm-up goes on, in [WINDOW] steps, until it is quiet too. The same rule applies to every client;
 * [settle] says how long it took, and the generator prints it.
 */
object JitQuiet {
    /** One step of waiting or of extra warm-up; quiet means less than [QUIET] of compiling in one step. */
    val WINDOW: Duration = 500.milliseconds

    /** Under 4 % of one core: a method or two, not a backlog. */
    val QUIET: Duration = 20.milliseconds

    /**
     * Runs [step] with [WINDOW] until [compiling] (the JVM's total compilation time so far) grows by less
     * than [QUIET] in one step, or [atMost] has passed. Returns how long it ran; zero when the compiler's
     * time cannot be read, for then there is nothing to wait for.
     */
    fun settle(atMost: Duration, compiling: () -> Duration? = ::compilationTime, step: (Duration) -> Unit): Duration {
        val started = TimeSource.Monotonic.markNow()
        var before = compiling() ?: return Duration.ZERO
        while (started.elapsedNow() < atMost) {
            step(WINDOW)
            val now = compiling() ?: return started.elapsedNow()
            if (now - before < QUIET) break
            before = now
        }
        return started.elapsedNow()
    }

    /** The JVM's total JIT compilation time, or null where the JVM does not measure it. */
    fun compilationTime(): Duration? =
        ManagementFactory.getCompilationMXBean()
            ?.takeIf { it.isCompilationTimeMonitoringSupported }
            ?.totalCompilationTime?.milliseconds
}
