package io.hivepool.pool.internal

import io.hivepool.pool.Ttl
import kotlin.time.ComparableTimeMark

// Return-side: where a connection goes when a lease ends: parked again in this thread's cache without the
// lock, or (under the lock) to the head waiter, this thread's cache or the idle deque, or to destroy.

/**
 * Called exactly once per lease (RealLease's CAS), or for a grant its waiter never received, or by
 * tryAcquire() for a cached connection it does not take ([keepIdleSince]: it did not go idle again).
 */
internal fun <T> RealPool<T>.checkIn(
    pc: PooledConnection<T>,
    discard: Boolean,
    lease: RealLease<T>?,
    keepIdleSince: Boolean = false,
) {
    pc.leased = false
    var reason: DestroyReason? = when {
        discard -> DestroyReason.BROKEN
        isBroken(pc) -> DestroyReason.BROKEN
        ttl === Ttl.Once && lease != null -> DestroyReason.TTL
        pc.isExpired() -> DestroyReason.TTL
        pc.generation != generation -> DestroyReason.IDLE
        else -> null
    }
    val now = if (reason == null) timeSource.markNow() else null
    if (now != null && lease != null && caching && parkFast(pc, now)) return
    var waiter: Waiter? = null
    var creates = 0
    var wakeReaper = false
    synchronized(lock) {
        leasedCount--
        cache.detachLocked(pc)
        if (lease != null) leases?.remove(lease)
        if (reason == null) {
            reason = when {
                closed -> DestroyReason.CLOSED
                liveSizeLocked >= maxSize -> DestroyReason.IDLE // shrinking after resize()
                else -> null
            }
        }
        if (reason == null) {
            if (!keepIdleSince) pc.idleSince = now
            waiter = waitQueue.grantNextLocked(pc)
            if (waiter != null) {
                leasedCount++
            } else if (idle.size + cache.sizeLocked >= maxIdle && idleCountLocked() >= maxIdle) {
                reason = DestroyReason.IDLE
            } else {
                wakeReaper = goIdleLocked(pc)
            }
        }
        if (reason != null) {
            retireLocked(reason)
            creates = planCreatesLocked()
        }
        settleShrinkingLocked()
    }
    waitQueue.deliver(waiter)
    if (reason != null) destroyLater(pc)
    launchCreates(creates)
    if (wakeReaper) reaper.wake()
    if (closed) checkDrained()
}

/**
 * [pc] (counted nowhere) goes idle: parked in this thread's cache, the connection parked there before
 * moving to the idle deque; or, without caching, at the back of the deque. True when the reaper must wake.
 */
private fun <T> RealPool<T>.goIdleLocked(pc: PooledConnection<T>): Boolean {
    if (caching) {
        leasedCount++ // parked counts as leased
        cache.parkLocked(pc)?.let { displaced ->
            leasedCount--
            insertIdleLocked(displaced)
        }
    } else {
        idle.addLast(pc)
    }
    return reaper.armIdleLocked(pc, pc.idleSince!!)
}

/**
 * Lock-free release of a healthy [pc] taken from this thread's cache: PARKED again for this thread's next
 * acquire. False when the locked path must run (the caller still owns [pc]); true when [pc] is parked, or
 * already someone else's.
 *
 * The race: a waiter writes live++ (enqueue) and then looks for PARKED connections; we write PARKED and
 * then read live. Both are volatile (sequentially consistent), so at least one sees the other: the waiter
 * steals [pc], or we see live != 0, take [pc] back and grant it in the locked path. close() (closed),
 * evictAll() (generation), resize() (shrinking) and a reaper pass (nextRun) likewise write their flag
 * before they reclaim parked connections.
 */
private fun <T> RealPool<T>.parkFast(pc: PooledConnection<T>, now: ComparableTimeMark): Boolean {
    if (!cache.holds(pc) || !mayPark(pc, now)) return false
    pc.idleSince = now
    if (!cache.park(pc)) return false // NONE: it came from the idle deque or a create
    if (mayPark(pc, now)) return true
    return !cache.unpark(pc) // lost: whoever took it owns it now
}

private fun <T> RealPool<T>.mayPark(pc: PooledConnection<T>, now: ComparableTimeMark): Boolean =
    waitQueue.live == 0 && !closed && pc.generation == generation && !shrinking && reaper.coversParked(pc, now)
