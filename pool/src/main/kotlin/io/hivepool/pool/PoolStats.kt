package io.hivepool.pool

import kotlin.time.Duration

/**
 * A snapshot of a pool's gauges and counters. Eventually consistent: each value is exact at the moment it
 * was read, but the values are not read at one single instant with respect to concurrent callers.
 */
public data class PoolStats(
    /** idle + inUse + creating. */
    public val size: Int,
    public val idle: Int,
    /** Leased connections (including those being recycled for a borrower or handed to a waiter). */
    public val inUse: Int,
    public val waiters: Int,
    public val creating: Int,
    /** Acquires served by an idle connection without waiting. */
    public val hits: Long,
    /** Acquires that had to wait or create. */
    public val misses: Long,
    public val timeouts: Long,
    /** Acquires that waited in the queue. */
    public val waitCount: Long,
    public val waitTimeTotal: Duration,
    public val waitTimeMax: Duration,
    public val created: Long,
    public val createFailures: Long,
    public val destroyedIdle: Long,
    public val destroyedTtl: Long,
    public val destroyedBroken: Long,
    public val destroyedRecycleFailed: Long,
    public val destroyedClosed: Long,
    public val leaksDetected: Long,
) {
    /** All destroyed connections, whatever the reason. */
    public val destroyed: Long
        get() = destroyedIdle + destroyedTtl + destroyedBroken + destroyedRecycleFailed + destroyedClosed
}
