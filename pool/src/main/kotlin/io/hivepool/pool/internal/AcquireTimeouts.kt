package io.hivepool.pool.internal

import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration
import kotlin.time.Duration.Companion.nanoseconds

/**
 * One timer for every waiting acquire() instead of one per waiter. Every waiter's deadline is its start plus
 * the same acquireTimeout, and waiters queue in start order, so the head of the queue always has the earliest
 * deadline: one job sleeps until the head's deadline, fails every waiter whose deadline has passed with a
 * [io.hivepool.pool.PoolTimeoutException] (granted under the pool's lock, so a waiter gets either a connection
 * or the timeout, never both), and sleeps again. With nobody waiting it looks again after acquireTimeout: a
 * waiter queued meanwhile has a later deadline than that, so it is never failed late.
 *
 * The one exception to start order, a waiter put back at the head after its handed-over connection failed a
 * check, calls [wake] so the job looks at its (earlier) deadline.
 */
internal class AcquireTimeouts<T>(private val pool: RealPool<T>, private val acquireTimeout: Duration) {
    private val wakeup = Channel<Unit>(Channel.CONFLATED)

    fun start() {
        if (acquireTimeout.isInfinite()) return
        pool.scope.launch {
            val expired = ArrayList<Waiter>()
            while (true) {
                val next: Long
                synchronized(pool.lock) {
                    while (true) {
                        val deadline = pool.waitQueue.headDeadlineLocked()
                        if (deadline == Waiter.NEVER || pool.nowNanos() < deadline) break
                        val w = pool.waitQueue.grantNextLocked(TIMED_OUT) ?: break
                        w.grant = pool.timeoutExceptionLocked() // described once it has left the queue
                        expired += w
                    }
                    next = pool.waitQueue.headDeadlineLocked()
                }
                expired.forEach(pool.waitQueue::deliver)
                expired.clear()
                val sleep = if (next == Waiter.NEVER) acquireTimeout else (next - pool.nowNanos()).nanoseconds
                withTimeoutOrNull(sleep) { wakeup.receive() }
            }
        }
    }

    fun wake() {
        wakeup.trySend(Unit)
    }

    private companion object {
        val TIMED_OUT = Any()
    }
}
