package io.hivepool.pool.internal

import io.hivepool.pool.internal.PooledConnection.Companion.NONE
import io.hivepool.pool.internal.PooledConnection.Companion.PARKED
import io.hivepool.pool.internal.PooledConnection.Companion.TAKEN
import java.lang.ref.WeakReference

/**
 * Each thread's last returned connection, parked where that thread finds it again without the pool's lock
 * (the idea of HikariCP's ConcurrentBag): a thread that re-borrows the connection it returned last pays one
 * CAS on that connection and writes nothing shared. The states are on [PooledConnection.cacheState].
 *
 * Every connection whose state is not NONE is in [parked], so one under the pool's lock can steal any PARKED
 * one (CAS PARKED -> NONE) for a caller, a waiter, the reaper, close(), evictAll() or resize(). A PARKED or
 * TAKEN connection counts as leased in the pool's accounting; PARKED ones are reported idle.
 *
 * A thread's slot may point at a connection that has since been stolen (NONE) or parked again by another
 * thread: the CAS decides, the slot is only a hint. It holds the connection weakly: one the pool has destroyed
 * (or a closed pool's) must not stay reachable from every thread that used it last, with its socket's buffers.
 * A PARKED connection is always strongly reachable from [parked], and a TAKEN one from its lease, so the weak
 * reference never loses a connection the cache still needs; it is allocated only when a thread's last
 * connection changes, not on a re-borrow.
 */
internal class ThreadCache<T> {
    private val slot = ThreadLocal<WeakReference<PooledConnection<T>>?>() // this thread's hint

    // guarded by the pool's lock: every connection whose cacheState != NONE, each at its parkedIndex
    private val parked = ArrayList<PooledConnection<T>>()

    // ---------------------------------------------------------------- lock-free, on the hot paths

    /** This thread's parked connection, now TAKEN by the caller (still counted leased), or null. */
    fun take(): PooledConnection<T>? {
        val pc = slot.get()?.get() ?: return null
        return if (pc.casCacheState(PARKED, TAKEN)) pc else null
    }

    /** True when [pc] is the connection in this thread's slot. */
    fun holds(pc: PooledConnection<T>): Boolean = slot.get()?.get() === pc

    /** The owner of a TAKEN [pc] parks it again; false when it is NONE (the caller goes the slow way). */
    fun park(pc: PooledConnection<T>): Boolean = pc.casCacheState(TAKEN, PARKED)

    /** Takes back a [pc] this thread just parked; false when someone else took it first (and now owns it). */
    fun unpark(pc: PooledConnection<T>): Boolean = pc.casCacheState(PARKED, TAKEN)

    // ---------------------------------------------------------------- under the pool's lock

    /** Any parked connection, now NONE and the caller's (it stays counted leased), or null. */
    fun stealLocked(): PooledConnection<T>? {
        var i = parked.size - 1
        while (i >= 0) {
            val pc = parked[i--]
            if (pc.casCacheState(PARKED, NONE)) {
                removeLocked(pc)
                return pc
            }
        }
        return null
    }

    /** Steals every parked connection and passes each to [each] (the caller counts them out of leased). */
    fun reclaimAllLocked(each: (PooledConnection<T>) -> Unit) {
        var kept = 0
        for (i in parked.indices) {
            val pc = parked[i]
            if (pc.casCacheState(PARKED, NONE)) {
                pc.parkedIndex = -1
                each(pc)
            } else {
                pc.parkedIndex = kept
                parked[kept++] = pc
            }
        }
        while (parked.size > kept) parked.removeAt(parked.size - 1)
    }

    /**
     * Parks [pc], which the caller owns and counts as leased, in this thread's slot. The connection the slot
     * held before, if it is still PARKED, is taken out and returned (NONE; the caller moves it to the idle
     * deque), so a thread keeps at most one connection parked.
     */
    fun parkLocked(pc: PooledConnection<T>): PooledConnection<T>? {
        val old = slot.get()?.get()
        val displaced = if (old !== pc && old != null && old.casCacheState(PARKED, NONE)) old else null
        if (displaced != null) removeLocked(displaced)
        if (pc.cacheState == NONE) {
            pc.parkedIndex = parked.size
            parked.add(pc)
        }
        pc.cacheState = PARKED
        if (old !== pc) slot.set(WeakReference(pc))
        return displaced
    }

    /** [pc], which the caller owns, leaves the cache (TAKEN -> NONE); nothing to do when it is NONE. */
    fun detachLocked(pc: PooledConnection<T>) {
        if (pc.cacheState == NONE) return
        pc.cacheState = NONE
        removeLocked(pc)
    }

    /** How many are PARKED now (reported idle; the pool's accounting has them in leasedCount). */
    fun parkedCountLocked(): Int {
        var n = 0
        for (i in parked.indices) if (parked[i].cacheState == PARKED) n++
        return n
    }

    /** An upper bound of [parkedCountLocked] without a scan. */
    val sizeLocked: Int get() = parked.size

    private fun removeLocked(pc: PooledConnection<T>) {
        val i = pc.parkedIndex
        val last = parked.removeAt(parked.size - 1)
        if (last !== pc) {
            parked[i] = last
            last.parkedIndex = i
        }
        pc.parkedIndex = -1
    }
}
