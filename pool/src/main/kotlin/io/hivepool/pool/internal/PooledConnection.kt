package io.hivepool.pool.internal

import io.hivepool.pool.ConnectionInfo
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater
import kotlin.time.ComparableTimeMark
import kotlin.time.Duration

/**
 * One connection the pool owns, from create to destroy. It is in exactly one place at a time: being created
 * (not yet an object), in the idle deque, leased (including in transit to a waiter or being recycled), or
 * handed to destroy. The mutable fields below are written only by whoever holds it in that place and are
 * handed over through the pool's lock, or through [cacheState] for a connection parked in a thread's cache
 * (see [ThreadCache]); they are deliberately not volatile (no fence on the hot path), so [ConnectionInfo]
 * read from another thread is eventually consistent.
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

    /**
     * Atomic. Where it stands in the pool's [ThreadCache]. PARKED counts as idle in stats but, like TAKEN, in
     * the pool's leasedCount (it never entered the idle deque). Whoever wins a CAS from PARKED owns it.
     * ```
     *          park (release, under lock) -----------------------\
     *  NONE <--steal / reclaim (CAS, under lock)-- PARKED <--------/
     *    ^                                          |    ^
     *    |                      take (CAS, no lock) |    | fast release (CAS by the owner, no lock)
     *    |                                          v    |
     *    \-----detach (owner, under lock)------- TAKEN --/
     * ```
     * NONE: not in the cache's list, fast paths do not apply. TAKEN: in the list, owned by a lease or a
     * borrower. PARKED: in the list, free.
     */
    @Volatile
    var cacheState: Int = NONE

    /** Guarded by the pool's lock: its index in the cache's list while [cacheState] != NONE, else -1. */
    var parkedIndex: Int = -1

    // Padding: connections are made one after another, so without it two of them share a cache line, and two
    // threads each re-borrowing its own connection (CAS on cacheState, idleSince, uses) would still contend.
    @Suppress("unused") private val pad0 = 0L
    @Suppress("unused") private val pad1 = 0L
    @Suppress("unused") private val pad2 = 0L
    @Suppress("unused") private val pad3 = 0L
    @Suppress("unused") private val pad4 = 0L
    @Suppress("unused") private val pad5 = 0L
    @Suppress("unused") private val pad6 = 0L
    @Suppress("unused") private val pad7 = 0L

    fun casCacheState(expect: Int, update: Int): Boolean = CACHE_STATE.compareAndSet(this, expect, update)

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

    companion object {
        const val NONE: Int = -1
        const val TAKEN: Int = 0
        const val PARKED: Int = 1

        private val CACHE_STATE: AtomicIntegerFieldUpdater<PooledConnection<*>> =
            AtomicIntegerFieldUpdater.newUpdater(PooledConnection::class.java, "cacheState")
    }
}
