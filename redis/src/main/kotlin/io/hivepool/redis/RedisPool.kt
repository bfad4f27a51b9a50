package io.hivepool.redis

import io.hivepool.pool.Lease
import io.hivepool.pool.Pool
import io.hivepool.pool.PoolStats
import io.hivepool.redis.internal.RealRedisPool
import kotlinx.coroutines.flow.Flow
import kotlin.time.Duration

/**
 * Builds a pool of Redis connections:
 * ```
 * val pool = redisPool { uri = "redis://localhost:6379"; maxSize = 16; ttl = fuzzy(10.minutes, 2.minutes) }
 * pool.set("k", "v")                 // pool-level: multiplexed, no lease
 * pool.use { conn -> conn.get("k") } // exclusive lease
 * ```
 * Connections are opened lazily (and [RedisPoolConfig.Builder.minIdle] of them in the background).
 *
 * @throws IllegalArgumentException a bad value, naming the field
 */
public fun redisPool(configure: RedisPoolConfig.Builder.() -> Unit): RedisPool =
    RedisPool(RedisPoolConfig.Builder().apply(configure).build())

/** Builds a pool of Redis connections from [config]. */
public fun RedisPool(config: RedisPoolConfig): RedisPool = RealRedisPool(config)

/**
 * A pool of Redis connections. Thread-safe; close it when done.
 *
 * Two ways to talk to Redis through it, never mixed on one connection:
 * - **Pool-level commands** (`pool.get(k)`, `pool.set(k, v)`, every typed command, [send]): multiplexed over a
 *   few *shared* connections ([RedisPoolConfig.sharedConnections]) leased from this pool; no lease per command.
 * - **Exclusive leases** ([use], [acquire], [transaction], blocking commands, [subscribe]): one connection for
 *   one caller, whose server-side state (SELECT, WATCH, …) is cleaned (RESET) before anyone else gets it.
 *
 * A failed command decides the fate of its connection by kind: a [RedisServerException] keeps it, I/O,
 * protocol and timeout errors ([isConnectionFatal]) close it, and a broken shared connection is replaced.
 */
public interface RedisPool : RedisCommands, AutoCloseable {
    /** The pool's name, from the config. */
    public val name: String

    /** The configuration it was built with. */
    public val config: RedisPoolConfig

    /**
     * Gauges and counters of the generic pool underneath. Eventually consistent. It counts the shared
     * connections as in use (it leases them to this pool); [connections] tells them apart.
     */
    public val stats: PoolStats

    /** The connections by use: idle, exclusively leased, shared, being created. Eventually consistent. */
    public val connections: RedisPoolConnections

    /** The generic pool underneath (resize, evictIdle, evictAll). Its leases bypass the Redis bookkeeping. */
    public val pool: Pool<RedisConnection>

    /**
     * A pool-level command: sent on a shared connection, pipelined with other callers' commands.
     *
     * Blocking commands (BLPOP, BRPOP, BLMOVE, BZPOPMIN, XREAD/XREADGROUP BLOCK, WAIT, …) are routed to an
     * exclusive lease (read deadline = block time + commandTimeout). Commands that change connection state
     * (SELECT, MULTI/EXEC/WATCH, SUBSCRIBE, CLIENT REPLY, RESET, …) are refused with an [IllegalArgumentException]
     * naming the API to use instead.
     *
     * Cancellable: a command cancelled before it was written is never sent; after, its reply is dropped. A
     * cancelled blocking command's connection is killed server-side (`CLIENT KILL ID`) and discarded, never reused.
     *
     * @throws RedisServerException the server answered with an error
     * @throws RedisConnectionException the shared connection failed (it is replaced for later commands)
     * @throws io.hivepool.pool.PoolException no connection could be had (timeout, closed, create failure)
     */
    override suspend fun <R> send(command: Command<R>): R

    /**
     * Leases a connection for exclusive use; `release()` it (or `use { }` the lease) when done. A dirty
     * connection (SELECT, WATCH, …) is RESET on its next borrow. Cancellable as [Pool.acquire].
     */
    public suspend fun acquire(): Lease<RedisConnection>

    /**
     * Runs [block] on an exclusively leased connection and returns it. A server error from the block keeps the
     * connection; a connection error discards it. Cancellable: on cancellation the connection is closed (its
     * state is unknown), after killing a blocking command it was running server-side.
     *
     * Beware: being a member, this wins over Kotlin's `AutoCloseable.use`, so `redisPool { }.use { }` leases a
     * connection instead of closing the pool afterwards; close a pool with [close] (e.g. in a `finally`).
     */
    public suspend fun <R> use(block: suspend (RedisConnection) -> R): R

    /**
     * Runs [block] on an exclusive lease as a transaction: `watch(…)`, direct reads, then `multi { queue { … } }`
     * (MULTI, the queued commands and EXEC leave in one flush). If the block throws, the connection is RESET
     * (discarding MULTI and WATCH) before it goes back. Cancellable like [use].
     */
    public suspend fun <R> transaction(block: suspend RedisTransaction.() -> R): R

    /**
     * Records the commands [block] queues (`queue { set("a", "1") }`) and sends them in one flush, returning every
     * reply in order, decoded by its command (a failed command's exception takes its place in the list). Runs on
     * a shared connection, or on a lease when a queued command blocks or changes connection state.
     * Cancellable: a pipeline cancelled before the flush sends nothing.
     */
    public suspend fun pipeline(block: RedisPipeline.() -> Unit): List<Any?>

    /**
     * A cold flow of the messages published to [channels]. Each collection leases a dedicated connection,
     * subscribes, emits messages in order, and when the collector stops (or is cancelled) resets the connection
     * (unsubscribing) and returns it. The flow fails with [RedisConnectionException] when the connection breaks.
     */
    public fun subscribe(vararg channels: String): Flow<PubSubMessage>

    /** As [subscribe], for glob [patterns] (`PSUBSCRIBE`); messages carry the matching [PubSubMessage.pattern]. */
    public fun psubscribe(vararg patterns: String): Flow<PubSubMessage>

    /**
     * Closes the pool: shared connections are closed at once, leased ones when returned (waiting up to [grace]).
     * Cancellable: cancelling only stops the waiting.
     */
    public suspend fun close(grace: Duration)

    /** Closes the pool without waiting (see the suspending close). Idempotent. */
    override fun close()
}

/**
 * Runs [block] as a [RedisPool.transaction], again (up to [retries] more times) while its `multi { }` is aborted
 * because a WATCHed key changed. Cancellable like [RedisPool.transaction].
 *
 * @throws RedisTransactionAbortedException every attempt was aborted
 */
public suspend fun <R> RedisPool.optimistic(retries: Int = 5, block: suspend RedisTransaction.() -> R): R {
    require(retries >= 0) { "retries must be >= 0, was $retries" }
    repeat(retries + 1) {
        var aborted = false
        val result = transaction {
            block().also { aborted = this.aborted }
        }
        if (!aborted) return result
    }
    throw RedisTransactionAbortedException("transaction aborted ${retries + 1} times: a WATCHed key kept changing")
}
