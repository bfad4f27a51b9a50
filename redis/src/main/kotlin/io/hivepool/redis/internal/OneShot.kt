package io.hivepool.redis.internal

import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater

/** Told a [OneShot]'s outcome in the thread that completes it, instead of a suspended awaiter. */
internal interface OneShotListener<in T> {
    fun onValue(value: T)
    fun onFailure(cause: Throwable)
}

/**
 * A result that arrives once, awaited by at most one coroutine or one [OneShotListener]: the lightest completion
 * there is (no Job, no list of handlers). [state] goes once from empty, or from the suspended awaiter's
 * continuation or the listener, to the value or to a [Failed]:
 * ```
 * null --await()--> continuation --complete()/fail()--> value | Failed   (the continuation is resumed)
 * null --listen()--> listener --complete()/fail()--> value | Failed      (the listener is told)
 * null --complete()/fail()--> value | Failed                            (await() returns without suspending)
 * ```
 * An awaiter cancelled meanwhile leaves its continuation cancelled; resuming a cancelled continuation is a
 * no-op, so a late value is simply dropped. A value that is itself null is stored as [NULL]. An awaiter completed on
 * an I/O loop is resumed when the loop's round is over ([afterReads]); a listener is told at once.
 */
internal open class OneShot<T> {
    @Volatile
    private var state: Any? = null

    /** The value, or throws the failure. Cancellable; suspends only when nothing has arrived yet. */
    suspend fun await(): T {
        val s = state
        if (s != null && s !is CancellableContinuation<*>) return unwrap(s)
        return suspendCancellableCoroutine { cont ->
            if (!STATE.compareAndSet(this, null, cont)) cont.resumeWith(runCatching { unwrap(state!!) })
        }
    }

    /** Tells [listener] the outcome once it arrives (at once, in this thread, if it already has). */
    fun listen(listener: OneShotListener<T>) {
        if (STATE.compareAndSet(this, null, listener)) return
        tell(listener, state!!)
    }

    fun complete(value: T) = finish(value ?: NULL)

    fun fail(cause: Throwable) = finish(Failed(cause))

    private fun finish(outcome: Any) {
        while (true) {
            val s = state
            when {
                s == null -> if (STATE.compareAndSet(this, null, outcome)) return
                s is CancellableContinuation<*> -> if (STATE.compareAndSet(this, s, outcome)) {
                    @Suppress("UNCHECKED_CAST")
                    afterReads(Resume(s as CancellableContinuation<T>, outcome))
                    return
                }
                s is OneShotListener<*> -> if (STATE.compareAndSet(this, s, outcome)) {
                    @Suppress("UNCHECKED_CAST")
                    tell(s as OneShotListener<T>, outcome)
                    return
                }
                else -> return // already completed: the first outcome wins
            }
        }
    }

    @Suppress("UNCHECKED_CAST")
    private fun tell(listener: OneShotListener<T>, outcome: Any) = when {
        outcome === NULL -> listener.onValue(null as T)
        outcome is Failed -> listener.onFailure(outcome.cause)
        else -> listener.onValue(outcome as T)
    }

    @Suppress("UNCHECKED_CAST")
    private fun unwrap(s: Any): T = when {
        s === NULL -> null as T
        s is Failed -> throw s.cause
        else -> s as T
    }

    private class Failed(val cause: Throwable)

    /** Resumes the awaiter with the outcome; on an I/O loop, once its round is over (see [afterReads]). */
    private inner class Resume(private val awaiter: CancellableContinuation<T>, private val outcome: Any) : Runnable {
        override fun run() = awaiter.resumeWith(runCatching { unwrap(outcome) })
    }

    private companion object {
        val NULL = Any()
        val STATE: AtomicReferenceFieldUpdater<OneShot<*>, Any?> =
            AtomicReferenceFieldUpdater.newUpdater(OneShot::class.java, Any::class.java, "state")
    }
}
