package io.hivepool.redis.internal

import io.hivepool.pool.Lease
import io.hivepool.pool.Pool
import io.hivepool.pool.PoolStats
import io.hivepool.redis.Command
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisPipeline
import io.hivepool.redis.RedisPool
import io.hivepool.redis.RedisPoolConfig
import io.hivepool.redis.RedisPoolConnections
import io.hivepool.redis.RedisTransaction
import io.hivepool.redis.RespValue
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration

/**
 * The Redis pool: a generic [Pool] of [RedisConnection]s managed by [RedisConnectionManager], a few of them
 * held by [SharedConnections] for pool-level commands, the rest leased exclusively.
 */
internal class RealRedisPool(override val config: RedisPoolConfig) : RedisPool {
    override val name: String = config.pool.name

    private val commandTimeout = config.connection.commandTimeout

    private val manager = RedisConnectionManager(config.connection, config.checkOnRecycle)

    // The generic pool runs with the configured validateAfterIdle; the manager's needsRecycle adds dirty connections.
    override val pool: Pool<RedisConnection> = Pool(manager, config.pool)

    /** Background refills of shared connections; a child of the configured scope, cancelled by close. */
    private val scope = CoroutineScope(
        SupervisorJob(config.pool.scope?.coroutineContext?.get(Job)) + Dispatchers.Default + CoroutineName("hivepool-redis-$name"),
    )

    private val shared = SharedConnections(pool, config.sharedConnections, scope)

    override val stats: PoolStats get() = pool.stats

    override val connections: RedisPoolConnections
        get() {
            val s = pool.stats
            // A slot is filled after the pool counted its lease and emptied before the lease goes back, so
            // held <= inUse but for a moment between the two reads.
            val shared = shared.held.coerceAtMost(s.inUse)
            return RedisPoolConnections(s.size, s.idle, s.inUse - shared, shared, s.creating, s.waiters, pool.config.maxSize)
        }

    /** Metrics hooks (RedisPoolMetrics); null = none, the usual case, which costs a volatile read. */
    @Volatile
    internal var instrumentation: PoolInstrumentation? = null
        set(value) {
            field = value
            manager.instrumentation = value
        }

    // Both branches are tail calls, so send itself allocates no continuation: unobserved, it costs a null check.
    override suspend fun <R> send(command: Command<R>): R {
        val hooks = instrumentation
        return if (hooks == null) route(command) else sendObserved(hooks, command)
    }

    private suspend fun <R> sendObserved(hooks: PoolInstrumentation, command: Command<R>): R {
        val token = hooks.commandStarted(command)
        val result = try {
            route(command)
        } catch (e: Throwable) {
            hooks.commandEnded(token, e)
            throw e
        }
        hooks.commandEnded(token, null)
        return result
    }

    private suspend fun <R> route(command: Command<R>): R = when (routeOf(command)) {
        Route.SHARED -> shared.connection().send(command)
        Route.EXCLUSIVE -> use { it.send(command) }
    }

    /**
     * Sends a pool-level [command] without suspending when it can (a shared command, a live shared connection,
     * no metrics hooks), the reply going to [listener] in the reader's thread; false (nothing sent) when it
     * cannot, and the caller then goes through [send]. Throws what sending throws (a refused command, a closed
     * connection, unencodable arguments), having sent nothing.
     */
    internal fun trySendNow(command: Command<*>, listener: OneShotListener<RespValue>): Boolean {
        if (instrumentation != null || routeOf(command) != Route.SHARED) return false
        val conn = shared.connectionNow() ?: return false
        conn.sendNow(command, listener)
        return true
    }

    override suspend fun acquire(): Lease<RedisConnection> = pool.acquire()

    override suspend fun <R> use(block: suspend (RedisConnection) -> R): R = leased { block(it) }

    /**
     * [use]'s body, inlined where it is called: the lease and what runs on it are one state machine, with no suspend
     * lambda (and its copy per call) between them. The Java face's lease goes through here ([transacting]).
     * Cancelled while waiting for a connection, it takes none; cancelled while [block] runs, the connection's state is
     * unknown and it is [abandon]ed (killed server-side if blocked, then discarded); any other failure releases it.
     */
    internal suspend inline fun <R> leased(block: (RedisConnection) -> R): R {
        val lease = pool.acquire()
        val hooks = instrumentation
        val since = if (hooks == null) 0L else System.nanoTime()
        val result = try {
            block(lease.connection)
        } catch (e: CancellationException) {
            abandon(lease)
            hooks?.leaseUsed(System.nanoTime() - since)
            throw e
        } catch (e: Throwable) {
            lease.release() // the manager's isBroken() keeps it after a server error, destroys it after a connection error
            hooks?.leaseUsed(System.nanoTime() - since)
            throw e
        }
        lease.release()
        hooks?.leaseUsed(System.nanoTime() - since)
        return result
    }

    /**
     * The holder was cancelled: the connection's state is unknown, so it is discarded. If it was blocked (BLPOP,
     * XREAD BLOCK, …), it is first killed server-side from a shared connection: once CLIENT KILL returns, the
     * server can no longer hand it an element that nobody would read.
     */
    internal suspend fun abandon(lease: Lease<RedisConnection>) {
        val conn = lease.connection
        val id = conn.clientId
        if (id != null && !conn.isBroken && (conn as RealRedisConnection).blockingInFlight > 0) {
            withContext(NonCancellable) {
                withTimeoutOrNull(commandTimeout) {
                    runCatching { shared.connection().send(Command(listOf("CLIENT", "KILL", "ID", id)) { }) }
                }
            }
        }
        lease.discard()
    }

    override suspend fun <R> transaction(block: suspend RedisTransaction.() -> R): R = transacting { it.block() }

    /**
     * [transaction]'s body, inlined where it is called (see [leased], which also says what cancellation does). A
     * failure other than cancellation RESETs a dirty connection (open MULTI, WATCH) before it goes back.
     */
    internal suspend inline fun <R> transacting(block: (RealTransaction) -> R): R = leased { conn ->
        val tx = RealTransaction(conn as RealRedisConnection)
        try {
            block(tx)
        } catch (e: Throwable) {
            // DISCARD and UNWATCH in one: the next user of this connection must find it clean.
            if (e !is CancellationException && !conn.isBroken && conn.isDirty) runCatching { conn.reset() }
            throw e
        }
    }

    override suspend fun pipeline(block: RedisPipeline.() -> Unit): List<Any?> {
        val batch = RealBatch()
        batch.block()
        if (batch.isEmpty) {
            batch.seal(followUpsTo = null)
            batch.awaitQueued()
            return emptyList()
        }
        return if (batch.commands().all { isShareable(it.args) }) {
            batch.flush(shared.connection())
        } else {
            use { conn -> batch.flush(conn as RealRedisConnection) }
        }
    }

    override fun subscribe(vararg channels: String): Flow<PubSubMessage> =
        subscription(::acquire, "SUBSCRIBE", channels, commandTimeout)

    override fun psubscribe(vararg patterns: String): Flow<PubSubMessage> =
        subscription(::acquire, "PSUBSCRIBE", patterns, commandTimeout)

    override suspend fun close(grace: Duration) {
        shared.close()
        scope.cancel()
        pool.close(grace)
    }

    override fun close() {
        shared.close()
        scope.cancel()
        pool.close()
    }

    override fun toString(): String = "RedisPool($name, ${config.connection.endpoint})"
}
