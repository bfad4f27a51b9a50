package io.hivepool.pool.internal

import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlin.coroutines.CoroutineContext

/**
 * The FIFO of callers waiting in acquire(), with direct handoff: whoever frees a connection (or a create
 * that finishes, or a failure, or close()) grants it to the oldest live waiter under the pool's [lock], then
 * resumes that waiter outside the lock (a resume may run the waiter inline on Unconfined dispatchers, which
 * must never happen while the lock is held).
 *
 * Invariant 3 holds by construction: see [Waiter] — a granted value is either received by its waiter or
 * passed to [giveBack] (via `resume(value, onCancellation)`, or [abandon] when the waiter never suspended).
 * All fields are guarded by [lock] ([live] is also read without it).
 */
internal class WaitQueue(private val lock: Any, giveBack: (Any) -> Unit) {
    private val queue = ArrayDeque<Waiter>() // may hold CANCELLED entries, skipped when polled

    /**
     * Waiters still QUEUED. Written under the lock; volatile because a lock-free release reads it after parking
     * a connection (see [RealPool.parkFast]) and a waiter writes it before looking for parked connections.
     */
    @Volatile
    var live: Int = 0
        private set

    private val onUndelivered: (Throwable, Any, CoroutineContext) -> Unit = { _, value, _ -> giveBack(value) }

    /**
     * Queues a new waiter that gives up at [deadline] ([Waiter.NEVER]: never), at the head when it already waited and
     * its handed-over connection failed a check.
     */
    fun enqueueLocked(front: Boolean, deadline: Long): Waiter {
        val w = Waiter(this)
        w.deadline = deadline
        if (front) queue.addFirst(w) else queue.addLast(w)
        live++
        return w
    }

    /** The deadline of the oldest live waiter, the earliest of all (see [AcquireTimeouts]); [Waiter.NEVER] when none. */
    fun headDeadlineLocked(): Long {
        for (w in queue) if (w.state == Waiter.QUEUED) return w.deadline
        return Waiter.NEVER
    }

    /** Oldest live waiter, marked GRANTED with [value]; pass it to [deliver] once the lock is released. */
    fun grantNextLocked(value: Any): Waiter? {
        while (true) {
            val w = queue.removeFirstOrNull() ?: return null
            if (w.state != Waiter.QUEUED) continue
            w.state = Waiter.GRANTED
            w.grant = value
            // Decided here, under the lock, once: a waiter that has suspended is resumed by deliver(); one that
            // has not will see GRANTED in await() and resume itself. Re-reading cont in deliver() would let
            // both sides resume it when the waiter suspends between this grant and that read.
            w.resumeBy = w.cont
            live--
            return w
        }
    }

    /**
     * Outside the lock, by the thread that granted [w]: resume it if it had suspended when it was granted (one
     * that had not finds its grant itself).
     */
    fun deliver(w: Waiter?) {
        val cont = w?.resumeBy ?: return
        cont.resume(w.grant!!, onUndelivered)
    }

    /** Suspends until [w] is granted. Cancellable: a grant that arrives too late goes to giveBack. */
    suspend fun await(w: Waiter): Any = suspendCancellableCoroutine { cont ->
        val granted = synchronized(lock) {
            w.cont = cont
            w.state == Waiter.GRANTED
        }
        if (granted) {
            cont.resume(w.grant!!, onUndelivered)
        } else {
            cont.invokeOnCancellation(w) // the waiter is its own handler: no lambda per wait
        }
    }

    /**
     * The waiter gave up before receiving anything. Still queued: leave the queue. Granted before it ever
     * suspended (so nobody will resume it): the grant is returned, for the caller to give back. Granted after
     * it suspended: resume's onCancellation gives it back; nothing to do here.
     */
    fun abandon(w: Waiter): Any? = synchronized(lock) {
        when {
            w.state == Waiter.QUEUED -> {
                cancelLocked(w)
                null
            }
            w.state == Waiter.GRANTED && w.cont == null -> w.grant.also { w.state = Waiter.CANCELLED }
            else -> null
        }
    }

    /** A suspended waiter was cancelled: leave the queue now, not when its coroutine next runs. */
    fun cancel(w: Waiter) {
        synchronized(lock) {
            // Granted: resume() hands the value back if it was not delivered; nothing to undo here.
            if (w.state == Waiter.QUEUED) cancelLocked(w)
        }
    }

    private fun cancelLocked(w: Waiter) {
        w.state = Waiter.CANCELLED
        live--
        // Cancelled entries are skipped lazily; compact when they dominate so the deque cannot grow.
        if (queue.size > 2 * live + 16) queue.removeAll { it.state != Waiter.QUEUED }
    }
}
