package io.hivepool.ktor.internal

import io.hivepool.pool.Lease
import io.hivepool.pool.PoolTimeoutException
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisPool
import io.hivepool.redis.Command
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
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

    /**
     * Ends the call: releases its lease, or discards it when the call was cancelled (its state is unknown).
     * Not cancellable: it runs in the call's `finally`.
     */
    suspend fun end(cause: Throwable?) {
        val taken = synchronized(this) {
            ended = true
            lease.also { lease = null }
        } ?: return
        if (cause !is CancellationException) return taken.release()
        val conn = taken.connection
        val id = conn.clientId
        if (id != null && !conn.isBroken && conn.state.blockingCommandsInFlight > 0) {
            // Closing our socket alone races with the server handing the blocked command an element nobody
            // would read; once CLIENT KILL has returned, it cannot.
            withContext(NonCancellable) {
                withTimeoutOrNull(conn.config.commandTimeout) {
                    runCatching { pool.send(Command(listOf("CLIENT", "KILL", "ID", id)) { }) }
                }
            }
        }
        taken.discard()
    }

    private suspend fun acquire(): Lease<RedisConnection> {
        var acquired: Lease<RedisConnection>? = null
        try {
            withTimeout(leaseTimeout) { acquired = pool.acquire() }
        } catch (e: TimeoutCancellationException) {
            // The timeout can fire after acquire() returned: never strand that connection.
            acquired?.release()
            val c = pool.connections
            throw PoolTimeoutException(
                "timed out after $leaseTimeout waiting for a connection (pool=${pool.name}, size=${c.size}, " +
                    "idle=${c.idle}, inUse=${c.leased}, shared=${c.shared}, waiters=${c.waiters})",
            )
        }
        return checkNotNull(acquired)
    }

    private companion object {
        const val ENDED = "call.redis() was used after its call ended; use it only inside the call's handler"
    }
}
