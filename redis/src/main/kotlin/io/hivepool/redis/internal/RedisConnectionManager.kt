package io.hivepool.redis.internal

import io.hivepool.pool.ConnectionInfo
import io.hivepool.pool.ConnectionManager
import io.hivepool.redis.Command
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisConnectionConfig
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration.Companion.seconds

/**
 * Makes, checks and closes Redis connections for the generic pool.
 *
 * The pool recycles a connection on borrow only when it is due: idle >= validateAfterIdle, [checkOnRecycle],
 * or [needsRecycle] (its last user left it dirty). A clean, recently used connection is handed out with no I/O
 * and no timer. [recycle] then sends RESET + handshake (dirty) or PING (everything else).
 */
internal class RedisConnectionManager(
    private val config: RedisConnectionConfig,
    private val checkOnRecycle: Boolean,
) : ConnectionManager<RedisConnection> {
    /** Set by the pool with its metrics hooks; null (the usual case) = create is not timed. */
    @Volatile
    var instrumentation: PoolInstrumentation? = null

    override suspend fun create(): RedisConnection {
        val hooks = instrumentation ?: return Connector.connect(config)
        val start = System.nanoTime()
        return Connector.connect(config).also { hooks.connectionCreated(System.nanoTime() - start) }
    }

    override fun needsRecycle(conn: RedisConnection): Boolean = checkOnRecycle || conn.isDirty

    override suspend fun recycle(conn: RedisConnection, info: ConnectionInfo): Boolean {
        if (conn.isBroken) return false
        if (conn.blockingInFlight > 0) return false
        if (conn.isDirty) {
            val real = conn as RealRedisConnection
            try {
                real.reset() // RESET + handshake: one round trip, which also proves the connection alive
            } catch (e: CancellationException) {
                real.requireReset() // cut short: its replies are dropped, but the next borrower resets it again
                throw e
            }
            return !conn.isDirty
        }
        conn.send(PING)
        return true
    }

    /** A check cut short by its borrower's cancellation leaves a usable connection: its reply is read and dropped. */
    override fun isReusableAfterCancelledRecycle(conn: RedisConnection): Boolean = !conn.isBroken

    /** Closed or protocol-broken, or still running a blocking command (its reply would reach the next user). */
    override fun isBroken(conn: RedisConnection): Boolean = conn.isBroken || conn.blockingInFlight > 0

    override suspend fun destroy(conn: RedisConnection) {
        conn.close()
        // Ktor closes the socket asynchronously: wait until it is really closed, so a replacement connection
        // never coexists with the one it replaces (the server would briefly see maxSize + 1 clients).
        if (conn is RealRedisConnection) withTimeoutOrNull(2.seconds) { conn.awaitClosed() }
    }

    // Called on every borrow and release: read the one counter instead of snapshotting the whole state.
    private val RedisConnection.blockingInFlight: Int get() = (this as RealRedisConnection).blockingInFlight

    private companion object {
        val PING = Command(listOf("PING")) { }
    }
}
