package io.hivepool.ktor.internal

import io.ktor.server.application.ApplicationCall
import io.ktor.server.request.httpMethod
import io.ktor.server.request.uri
import org.slf4j.Logger
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.atomic.AtomicReference
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeMark
import kotlin.time.TimeSource

/**
 * Logs the calls answered 503 because Redis failed: one WARN line per [quiet] window, no stack trace (a dead
 * Redis fails every call in flight at once; a trace per call buries the log), the rest of the window at DEBUG.
 * The next WARN says how many calls were answered 503 since the previous one.
 */
internal class OutageLog(
    private val log: Logger,
    private val poolName: String,
    private val quiet: Duration = 10.seconds,
    private val timeSource: TimeSource = TimeSource.Monotonic,
) {
    private val lastWarn = AtomicReference<TimeMark?>(null) // atomic: a CAS picks the one caller that warns
    private val suppressed = AtomicLong()

    fun record(call: ApplicationCall, cause: Throwable) {
        val last = lastWarn.get()
        val due = last == null || last.elapsedNow() >= quiet
        if (due && lastWarn.compareAndSet(last, timeSource.markNow())) {
            val since = suppressed.getAndSet(0)
            log.warn(
                "Redis unavailable (pool {}), answered 503 to {} {}: {}: {}{}",
                poolName, call.request.httpMethod.value, call.request.uri, cause::class.simpleName, cause.message,
                if (since > 0) " ($since more calls answered 503 since the last warning)" else "",
            )
        } else {
            suppressed.incrementAndGet()
            log.debug("Redis unavailable (pool {}), answered 503 to {}: {}", poolName, call.request.uri, cause.message)
        }
    }
}
