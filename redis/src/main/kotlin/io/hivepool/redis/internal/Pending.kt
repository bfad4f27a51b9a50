package io.hivepool.redis.internal

import io.hivepool.redis.RespValue
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater
import kotlin.time.Duration

/**
 * One command on its way: appended to the connection's output by its sender, answered by the reader in FIFO
 * order. It is its own one-shot completion (no Deferred, no Job): [state] goes once from empty, or from the
 * suspended caller's continuation, to the reply (a [RespValue]) or to a [Failed].
 *
 * ```
 * null --await()--> continuation --complete()--> reply | Failed   (the continuation is resumed)
 * null --complete()--> reply | Failed                             (await() returns it without suspending)
 * ```
 * A caller cancelled while it awaits leaves the continuation cancelled; the reply still arrives, resuming a
 * cancelled continuation is a no-op, and so the reply is dropped.
 */
internal class Pending(val args: List<Any>, val blockFor: Duration) {
    val effect: Effect? = effectOf(args)

    /** System.nanoTime() when it was appended to the output; the watchdog times the reply from here. */
    @Volatile
    var writtenAt: Long = 0L

    @Volatile
    private var state: Any? = null

    val name: String get() = argText(args[0]).uppercase()

    /** The reply, error replies included (not thrown); throws the connection's failure. Cancellable. */
    suspend fun await(): RespValue {
        val s = state
        if (s != null) return result(s)
        return suspendCancellableCoroutine { cont ->
            if (!STATE.compareAndSet(this, null, cont)) cont.resumeWith(runCatching { result(state!!) })
        }
    }

    private fun result(s: Any): RespValue = when (s) {
        is RespValue -> s
        is Failed -> throw s.cause
        else -> error("not completed")
    }

    fun complete(value: RespValue) = finish(value)

    fun fail(cause: Throwable) = finish(Failed(cause))

    private fun finish(outcome: Any) {
        while (true) {
            val s = state
            when {
                s == null -> if (STATE.compareAndSet(this, null, outcome)) return
                s is CancellableContinuation<*> -> if (STATE.compareAndSet(this, s, outcome)) {
                    @Suppress("UNCHECKED_CAST")
                    val cont = s as CancellableContinuation<RespValue>
                    if (outcome is Failed) cont.resumeWith(Result.failure(outcome.cause)) else cont.resumeWith(Result.success(outcome as RespValue))
                    return
                }
                else -> return // already completed
            }
        }
    }

    private class Failed(val cause: Throwable)

    private companion object {
        val STATE: AtomicReferenceFieldUpdater<Pending, Any?> =
            AtomicReferenceFieldUpdater.newUpdater(Pending::class.java, Any::class.java, "state")
    }
}
