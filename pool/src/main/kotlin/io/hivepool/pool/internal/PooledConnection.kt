package io.hivepool.pool.internal

import io.hivepool.pool.ConnectionInfo
import kotlin.time.ComparableTimeMark
import kotlin.time.Duration

/**
 * One connection the pool owns, from create to destroy. It is in exactly one place at a time: being created
 * (not yet an object), in the idle deque, leased (including in transit to a waiter or being recycled), or
 * handed to destroy. The mutable fields below are written only by whoever holds it in that place and are
 * handed over through the pool's lock; they are deliberately not volatile (no fence on the hot path), so
 * [ConnectionInfo] read from another thread is eventually consistent.
 */
internal class PooledConnection<T>(
    val conn: T,
    override val id: Long,
    private val createdAt: ComparableTimeMark,
    /** When its ttl runs out; null = no ttl. */
    val expiresAt: ComparableTimeMark?,
    /** evictAll() bumps the pool's generation; a connection of an older one is destroyed on return. */
    val generation: Int,
) : ConnectionInfo {
    /** Last time it went idle (returned, or parked fresh from create); null = never idle yet. */
    var idleSince: ComparableTimeMark? = null

    /** True while a lease holds it. */
    var leased: Boolean = false

    private var uses: Long = 0

    override val useCount: Long get() = uses

    override val age: Duration get() = createdAt.elapsedNow()

    override val idleTime: Duration
        get() {
            if (leased || uses == 0L) return Duration.ZERO
            return idleSince?.elapsedNow() ?: Duration.ZERO
        }

    /** Called by the single owner that turns it into a lease. */
    fun markLeased() {
        uses++
        leased = true
    }

    /** When it must leave the idle deque because of idleTimeout, or null. */
    fun idleDeadline(idleTimeout: Duration): ComparableTimeMark? =
        if (idleTimeout.isInfinite()) null else idleSince?.plus(idleTimeout)

    fun isExpired(): Boolean = expiresAt?.hasPassedNow() == true

    override fun toString(): String = "PooledConnection(id=$id, conn=$conn)"
}
