package io.hivepool.ktor.internal

import io.hivepool.pool.Lease
import io.hivepool.pool.PoolTimeoutException
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisPool
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withTimeout
import kotlin.coroutines.cancellation.CancellationException
import kotlin.time.Duration

/**
 * The one lease of one call: taken on the first [connection], handed back by [end] when the call is over.
 *
 * ```
 *  open ──connection()──▶ leased ──end()──▶ ended
 *    └────────────────end()────────────────▲
 * ```
 */
internal class CallLease(val pool: RedisPool, private val leaseTimeout: Duration) {
    private val acquiring = Mutex() // one acquire per call even when the handler asks from several coroutines
    private var lease: Lease<RedisConnection>? = null // guarded by this
    private var ended = false // guarded by this

    suspend fun connection(): RedisConnection {
        synchronized(this) { lease }?.let { return it.connection }
        return acquiring.withLock {
            synchronized(this) {
                check(!ended) { ENDED }
                lease
            }?.let { return@withLock it.connection }
            val fresh = acquire()
            // end() may have run while we waited: the call is gone, so the connection goes straight back.
            val keep = synchronized(this) { if (ended) false else { lease = fresh; true } }
            if (!keep) {
                fresh.release()
                error(ENDED)
            }
            fresh.connection
        }
    }

    /** Ends the call: releases its lease, or discards it when the call was cancelled (its state is unknown). */
    fun end(cause: Throwable?) {
        val taken = synchronized(this) {
            ended = true
            lease.also { lease = null }
        } ?: return
        if (cause is CancellationException) taken.discard() else taken.release()
    }

    private suspend fun acquire(): Lease<RedisConnection> {
        var acquired: Lease<RedisConnection>? = null
        try {
            withTimeout(leaseTimeout) { acquired = pool.acquire() }
        } catch (e: TimeoutCancellationException) {
            // The timeout can fire after acquire() returned: never strand that connection.
            acquired?.release()
            val s = pool.stats
            throw PoolTimeoutException(
                "timed out after $leaseTimeout waiting for a connection " +
                    "(pool=${pool.name}, size=${s.size}, idle=${s.idle}, inUse=${s.inUse}, waiters=${s.waiters})",
            )
        }
        return checkNotNull(acquired)
    }

    private companion object {
        const val ENDED = "call.redis() was used after its call ended; use it only inside the call's handler"
    }
}
