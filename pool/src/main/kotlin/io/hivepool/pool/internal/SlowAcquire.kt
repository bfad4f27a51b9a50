package io.hivepool.pool.internal

import io.hivepool.pool.Lease
import kotlinx.coroutines.CancellationException
import kotlin.time.Duration.Companion.nanoseconds

// The slow acquire: nothing could be taken without the lock's help, so take an idle (or another thread's
// parked) connection under it, or queue as a waiter, plan the creates that will serve the queue, and wait.

internal suspend fun <T> RealPool<T>.acquireSlow(popped: PooledConnection<T>?): Lease<T> {
    if (popped != null) checkOut(popped, hit = true, owner = ownerName())?.let { return it }
    val start = nowNanos()
    val a = SlowAcquire(deadlineFrom(start))
    while (true) {
        takeOrQueue(a)
        a.granted?.forEach(waitQueue::deliver)
        val waiter = a.waiter
        if (a.front && waiter != null) timeouts.wake()
        launchCreates(a.creates)
        val got: Any = try {
            a.taken ?: awaitGrant(waiter!!)
        } finally {
            if (a.waited && waiter != null) recordWait(start)
        }
        if (got is Throwable) throw got
        @Suppress("UNCHECKED_CAST")
        val pc = got as PooledConnection<T>
        // The usual grant needs no check: made a lease here, without checkOut's suspending frame.
        if (!trackLeases && unusableReason(pc) == null && !needsRecycle(pc)) return newLease(pc, owner = null)
        val lease = checkOut(pc, hit = false, owner = ownerName())
        if (lease != null) return lease
        a.front = true
    }
}

/**
 * One slow acquire's state across its tries, in one object: locals assigned under `synchronized` in a
 * suspending function would each be boxed.
 */
private class SlowAcquire(val deadline: Long) { // on the pool's nowNanos() clock; Waiter.NEVER: none
    var front = false // after a handed-over connection failed its check, we keep our place at the head
    var counted = false
    var waited = false // queued with no create in flight for us: a real wait, counted in waitCount/waitTime
    var taken: PooledConnection<*>? = null // this try's outcome: an idle connection taken, or
    var waiter: Waiter? = null // a place in the queue,
    var creates = 0 // and the creates to launch
    var granted: ArrayList<Waiter>? = null // waiters granted a parked connection after we queued, to deliver
}

/** One try of [acquireSlow], under the lock: takes an idle connection or queues a waiter (see [SlowAcquire]). */
private fun RealPool<*>.takeOrQueue(a: SlowAcquire): Unit = synchronized(lock) {
    a.taken = null
    a.waiter = null
    a.creates = 0
    a.granted = null
    if (closed) throw closedException()
    if (!a.counted) {
        stats0.misses++
        a.counted = true
    }
    val pc = if (waitQueue.live == 0 || a.front) takeIdleLocked() else null
    if (pc != null) {
        a.taken = pc
        return
    }
    createFailures.failFastException(this)?.let { throw it }
    // Would a create (in flight or possible) cover this caller? Then it may always wait for it.
    val covered = waitQueue.live + 1 <= creating + (maxSize - sizeLocked)
    if (!covered && !a.waited) {
        a.waited = true
        stats0.waitCount++
    }
    if (!covered && !a.front) {
        val uncovered = waitQueue.live - creating - (maxSize - sizeLocked)
        if (failWhenExhausted || uncovered >= maxWaiters) throw exhaustedException()
    }
    // Back at the head after a failed check, past our deadline: the timeout job may be asleep
    // until a later one, so time out here.
    if (a.front && a.deadline != Waiter.NEVER && nowNanos() >= a.deadline) throw timeoutExceptionLocked()
    a.waiter = waitQueue.enqueueLocked(a.front, a.deadline)
    // A fast release may have parked a connection without seeing our live++; it wrote PARKED before it
    // read live, so we see PARKED here (see Release.kt's parkFast). Each one serves the head waiter (maybe us).
    while (waitQueue.live > 0) {
        val parked = cache.stealLocked() ?: break
        val w = waitQueue.grantNextLocked(parked)!! // live > 0: someone is queued; already counted leased
        (a.granted ?: ArrayList<Waiter>(2).also { a.granted = it }).add(w)
    }
    a.creates = planCreatesLocked()
}

/**
 * Suspends until [w] is granted: a connection, or an exception to throw ([AcquireTimeouts] grants the
 * timeout). On cancellation a grant that arrived anyway goes back to the pool.
 */
@Suppress("NOTHING_TO_INLINE") // inlined into acquireSlow: no frame of its own per wait
private suspend inline fun RealPool<*>.awaitGrant(w: Waiter): Any {
    try {
        return waitQueue.await(w)
    } catch (e: CancellationException) {
        waitQueue.abandon(w)?.let { returnGrant(it) }
        throw e
    }
}

/** [start] plus the acquire timeout, saturated: [Waiter.NEVER] when there is none. */
private fun RealPool<*>.deadlineFrom(start: Long): Long {
    if (acquireTimeout.isInfinite()) return Waiter.NEVER
    val timeout = acquireTimeout.inWholeNanoseconds
    return if (timeout >= Waiter.NEVER - start) Waiter.NEVER else start + timeout
}

private fun RealPool<*>.recordWait(start: Long) {
    val waited = (nowNanos() - start).nanoseconds // cumulative since the first try: a retry does not double count
    synchronized(lock) {
        stats0.waitTimeTotal += waited
        if (waited > stats0.waitTimeMax) stats0.waitTimeMax = waited
    }
}
