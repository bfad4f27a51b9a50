package io.hivepool.pool.internal

import kotlinx.coroutines.CancellableContinuation

/**
 * One queued acquire(). The pool grants it exactly one value: a [PooledConnection] (direct handoff; counted
 * as leased from that moment) or a [Throwable] to throw (create failure, pool closed).
 *
 * ```
 *  QUEUED --grant (pool, under lock)--> GRANTED --resume(value, onCancellation)--> received or given back
 *     \--cancelled (waiter, under lock)--> CANCELLED   (never granted afterwards)
 * ```
 * The state flips under the pool's lock, so a waiter is either removed before any grant or granted exactly
 * once. The value is delivered with `CancellableContinuation.resume(value, onCancellation)` outside the lock:
 * kotlinx guarantees onCancellation runs iff the value was not delivered (the waiter was cancelled before the
 * resume, or after it but before the waiter ran), and the pool's onCancellation puts a connection back. So a
 * connection handed over just as its waiter is cancelled (or times out) returns to the pool by construction.
 */
internal class Waiter(private val queue: WaitQueue) : (Throwable?) -> Unit {
    /** Guarded by the pool's lock. Null until the waiter has suspended. */
    var cont: CancellableContinuation<Any>? = null

    /** Set with GRANTED: the continuation to resume, or null when the waiter had not suspended yet. */
    var resumeBy: CancellableContinuation<Any>? = null

    /** Guarded by the pool's lock; set with GRANTED. */
    var grant: Any? = null

    /** Guarded by the pool's lock. */
    var state: Int = QUEUED

    /** When this waiter gives up, on the pool's [RealPool.nowNanos] clock ([NEVER]: never); set once when queued. */
    var deadline: Long = NEVER

    /** Cancellation handler of the suspended waiter (see [WaitQueue.await]). */
    override fun invoke(cause: Throwable?) = queue.cancel(this)

    companion object {
        /** A [deadline] that never passes. */
        const val NEVER: Long = Long.MAX_VALUE

        const val QUEUED: Int = 0
        const val GRANTED: Int = 1
        const val CANCELLED: Int = 2
    }
}
