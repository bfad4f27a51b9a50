package io.hivepool.pool

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.future.future
import kotlinx.coroutines.launch
import java.util.concurrent.CompletableFuture
import kotlin.time.toKotlinDuration

/**
 * The Java face of a [Pool]: the same pool, with [CompletableFuture] instead of `suspend`. A thin delegate:
 * every call forwards to [pool].
 */
public class FuturePool<T>(
    /** The pool this facade forwards to. */
    public val pool: Pool<T>,
) : AutoCloseable {
    // Unconfined + UNDISPATCHED: an acquire that needs no waiting completes on the caller's thread.
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Unconfined)

    /** See [Pool.name]. */
    public val name: String get() = pool.name

    /** See [Pool.stats]. */
    public val stats: PoolStats get() = pool.stats

    /**
     * See [Pool.acquire]; the future fails with the same exceptions. Cancelling the future cancels the wait;
     * a lease obtained after the future was cancelled is released back to the pool, never lost.
     */
    public fun acquire(): CompletableFuture<Lease<T>> {
        val result = CompletableFuture<Lease<T>>()
        val job = scope.launch(start = CoroutineStart.UNDISPATCHED) {
            try {
                val lease = pool.acquire()
                // The future may have been cancelled while acquire() was completing: give the lease back.
                if (!result.complete(lease)) lease.release()
            } catch (e: Throwable) {
                result.completeExceptionally(e)
            }
        }
        result.whenComplete { _, _ -> if (result.isCancelled) job.cancel() }
        return result
    }

    /** See [Pool.tryAcquire]: an idle connection or null, never blocks. */
    public fun tryAcquire(): Lease<T>? = pool.tryAcquire()

    /** See [Pool.resize]. */
    public fun resize(maxSize: Int): Unit = pool.resize(maxSize)

    /** See [Pool.evictAll]. */
    public fun evictAll(): Unit = pool.evictAll()

    /** See the suspending [Pool.close]: completes when every lease came back or [grace] ran out. */
    public fun close(grace: java.time.Duration): CompletableFuture<Void?> = scope.future {
        pool.close(grace.toKotlinDuration())
        null
    }

    /** See [Pool.close]: begins closing with no grace; does not block. */
    override fun close() {
        pool.close()
        scope.cancel()
    }
}

/** Java entry points for [FuturePool]. */
public object Pools {
    /** A new pool over a suspending [manager], seen from Java. */
    @JvmStatic
    public fun <T> future(manager: ConnectionManager<T>, config: PoolConfig): FuturePool<T> =
        FuturePool(Pool(manager, config))

    /** A new pool over a Java [manager]. */
    @JvmStatic
    public fun <T> future(manager: FutureConnectionManager<T>, config: PoolConfig): FuturePool<T> =
        FuturePool(Pool(manager.asConnectionManager(), config))
}

/** This pool seen from Java. */
public fun <T> Pool<T>.asFuturePool(): FuturePool<T> = FuturePool(this)
