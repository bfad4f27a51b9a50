package io.hivepool.pool.internal

import io.hivepool.pool.PoolStats
import java.util.concurrent.atomic.LongAdder
import kotlin.time.Duration

/** The pool's counters; guarded by the pool's lock (they are only touched inside sections it holds anyway). */
internal class StatsCounters {
    var hits = 0L

    /** Atomic: hits served from a thread's cache without the lock; a LongAdder so two threads share no line. */
    val cacheHits = LongAdder()
    var misses = 0L
    var timeouts = 0L
    var waitCount = 0L
    var waitTimeTotal = Duration.ZERO
    var waitTimeMax = Duration.ZERO
    var created = 0L
    var createFailures = 0L
    var leaksDetected = 0L
    private val destroyed = LongArray(DestroyReason.entries.size)

    fun countDestroyed(reason: DestroyReason) {
        destroyed[reason.ordinal]++
    }

    fun snapshot(idle: Int, inUse: Int, waiters: Int, creating: Int): PoolStats = PoolStats(
        size = idle + inUse + creating,
        idle = idle,
        inUse = inUse,
        waiters = waiters,
        creating = creating,
        hits = hits + cacheHits.sum(),
        misses = misses,
        timeouts = timeouts,
        waitCount = waitCount,
        waitTimeTotal = waitTimeTotal,
        waitTimeMax = waitTimeMax,
        created = created,
        createFailures = createFailures,
        destroyedIdle = destroyed[DestroyReason.IDLE.ordinal],
        destroyedTtl = destroyed[DestroyReason.TTL.ordinal],
        destroyedBroken = destroyed[DestroyReason.BROKEN.ordinal],
        destroyedRecycleFailed = destroyed[DestroyReason.RECYCLE_FAILED.ordinal],
        destroyedClosed = destroyed[DestroyReason.CLOSED.ordinal],
        leaksDetected = leaksDetected,
    )
}
