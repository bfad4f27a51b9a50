package io.hivepool.pool.internal

import io.hivepool.pool.Lease
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.isActive
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration

// Borrow-side checks: what happens to a connection between leaving the idle deque (or arriving from a
// waiter's grant) and becoming a lease. The caller already counts it as leased.

internal fun <T> RealPool<T>.needsRecycle(pc: PooledConnection<T>): Boolean {
    val since = pc.idleSince ?: return false // straight from create: nothing to validate
    if (validateAfterIdle == Duration.ZERO) return true
    if (managerNeedsRecycle(pc)) return true
    if (validateAfterIdle.isInfinite()) return false
    return since.elapsedNow() >= validateAfterIdle
}

private fun <T> RealPool<T>.managerNeedsRecycle(pc: PooledConnection<T>): Boolean = try {
    manager.needsRecycle(pc.conn)
} catch (e: Exception) {
    logger.warn(e) { "needsRecycle() threw for connection ${pc.id} of pool $name; recycling it" }
    true
}

internal fun <T> RealPool<T>.unusableReason(pc: PooledConnection<T>): DestroyReason? = when {
    isBroken(pc) -> DestroyReason.BROKEN
    pc.isExpired() -> DestroyReason.TTL
    pc.generation != generation -> DestroyReason.IDLE
    else -> null
}

internal fun <T> RealPool<T>.isBroken(pc: PooledConnection<T>): Boolean = try {
    manager.isBroken(pc.conn)
} catch (e: Throwable) {
    logger.warn(e) { "isBroken() threw for connection ${pc.id} of pool $name; destroying it" }
    true
}

/**
 * Turns a connection this caller holds (counted as leased) into a lease, or destroys it and returns null
 * when it is broken, expired, of an old generation, or fails recycle. Cancellation during recycle
 * destroys it (state unknown) and rethrows.
 */
internal suspend fun <T> RealPool<T>.checkOut(pc: PooledConnection<T>, hit: Boolean, owner: String?): Lease<T>? {
    unusableReason(pc)?.let { reason ->
        drop(pc, reason, hit)
        return null
    }
    if (needsRecycle(pc)) {
        val ok = try {
            withTimeoutOrNull(recycleTimeout) { manager.recycle(pc.conn, pc) } == true
        } catch (e: CancellationException) {
            if (!currentCoroutineContext().isActive) {
                // Only the borrower gave up: a manager that can tell the connection survived gets it back.
                if (reusableAfterCancel(pc)) checkIn(pc, discard = false, lease = null) else drop(pc, DestroyReason.RECYCLE_FAILED, hit)
                throw e
            }
            false
        } catch (e: Throwable) {
            logger.debug(e) { "recycle() threw for connection ${pc.id} of pool $name" }
            false
        }
        if (!ok) {
            drop(pc, DestroyReason.RECYCLE_FAILED, hit)
            return null
        }
    }
    return newLease(pc, owner)
}

private fun <T> RealPool<T>.reusableAfterCancel(pc: PooledConnection<T>): Boolean = try {
    manager.isReusableAfterCancelledRecycle(pc.conn)
} catch (e: Exception) {
    logger.warn(e) { "isReusableAfterCancelledRecycle() threw for connection ${pc.id} of pool $name; destroying it" }
    false
}

internal fun <T> RealPool<T>.newLease(pc: PooledConnection<T>, owner: String?): Lease<T> {
    pc.markLeased()
    if (!trackLeases) return RealLease(this, pc, null, null, null)
    val acquiredAt = timeSource.markNow()
    val lease = RealLease(this, pc, acquiredAt, owner, Throwable("lease acquired here"))
    val wake = synchronized(lock) {
        leases!!.add(lease)
        reaper.armLeaseLocked(acquiredAt)
    }
    if (wake) reaper.wake()
    return lease
}

/** Destroys a connection the caller held as leased and lets a waiter have the freed slot. */
internal fun <T> RealPool<T>.drop(pc: PooledConnection<T>, reason: DestroyReason, hit: Boolean) {
    val creates: Int
    synchronized(lock) {
        leasedCount--
        cache.detachLocked(pc)
        if (hit) {
            stats0.hits--
            stats0.misses++
        }
        retireLocked(reason)
        creates = planCreatesLocked()
    }
    destroyLater(pc)
    launchCreates(creates)
    if (closed) checkDrained()
}
