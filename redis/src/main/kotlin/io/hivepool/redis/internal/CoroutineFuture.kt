package io.hivepool.redis.internal

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import java.util.concurrent.CompletableFuture

/**
 * Starts [block] at once in the caller's thread (no hand-off before the command is queued) and returns its outcome
 * as a future; cancelling the future (or completing it from outside: `orTimeout`, `complete`) cancels the block.
 * In an Unconfined scope the future is also completed where the reply was read, with no hand-off.
 */
internal fun <T> CoroutineScope.start(block: suspend CoroutineScope.() -> T): CompletableFuture<T> {
    val future = CoroutineFuture<T>()
    val job = launch(start = CoroutineStart.UNDISPATCHED) {
        try {
            future.settle(block())
        } catch (e: Throwable) {
            future.settleExceptionally(e) // a CancellationException makes it a cancelled future, as Java expects
        }
    }
    future.attach(job)
    return future
}

/**
 * The future of one coroutine, for the Java faces. `kotlinx.coroutines.future.future {}` does the same job but
 * cancels the coroutine's Job on every completion of its future, finished or not, which builds a
 * JobCancellationException and its message per call: a tenth of what a Java lease allocated. Here only a completion
 * from outside cancels the coroutine.
 */
private class CoroutineFuture<T> : CompletableFuture<T>() {
    @Volatile
    private var job: Job? = null

    @Volatile
    private var settled = false // completed by its own coroutine

    fun attach(job: Job) {
        this.job = job
        if (isDone && !settled) job.cancel() // completed from outside before the job was known
    }

    fun settle(value: T) {
        settled = true
        super.complete(value)
    }

    fun settleExceptionally(e: Throwable) {
        settled = true
        super.completeExceptionally(e)
    }

    override fun complete(value: T): Boolean = endedFromOutside(super.complete(value))

    override fun completeExceptionally(ex: Throwable): Boolean = endedFromOutside(super.completeExceptionally(ex))

    override fun cancel(mayInterruptIfRunning: Boolean): Boolean = endedFromOutside(super.cancel(mayInterruptIfRunning))

    /** A completion from outside that took effect stops the coroutine (a lease held by it goes back). */
    private fun endedFromOutside(completed: Boolean): Boolean {
        if (completed) job?.cancel()
        return completed
    }
}
