package io.hivepool.pool

import io.hivepool.pool.internal.RealPool
import kotlin.time.Duration

/** Creates a pool over [manager], configured by [configure] on a [PoolConfig.Builder]. Throws IllegalArgumentException for an invalid config. */
public fun <T> Pool(manager: ConnectionManager<T>, configure: PoolConfig.Builder.() -> Unit = {}): Pool<T> =
    Pool(manager, PoolConfig.Builder().apply(configure).build())

/** Creates a pool over [manager] with [config]. Background jobs start at once in the config's scope. */
public fun <T> Pool(manager: ConnectionManager<T>, config: PoolConfig): Pool<T> = RealPool(manager, config)

/** Which idle connection is handed out next. */
public enum class Order {
    /** Most recently returned first: keeps a warm core and lets the rest time out. */
    LIFO,

    /** Least recently returned first: spreads use over every connection. */
    FIFO,
}

/** What [Pool.acquire] does when no connection is free and the pool is at maxSize. */
public enum class WhenExhausted {
    /** Queue (first come, first served) for up to acquireTimeout. */
    WAIT,

    /** Throw [PoolExhaustedException] at once. */
    FAIL,
}

/**
 * A pool of up to [PoolConfig.maxSize] connections of type [T], handed out as exclusive [Lease]s.
 *
 * Waiters are served first come, first served; a newcomer never overtakes a queued waiter. Thread-safe.
 */
public interface Pool<T> : AutoCloseable {
    /** The pool's name, used in messages and logs. */
    public val name: String

    /** The configuration, with maxSize as last set by [resize]. */
    public val config: PoolConfig

    /**
     * Leases a connection: an idle one (recycled first when idle >= validateAfterIdle), a new one, or the
     * next one released, waiting first come first served up to acquireTimeout.
     *
     * Cancellable. If the caller is cancelled while waiting, any connection already handed to it goes back
     * to the pool (to the next waiter or idle), never lost; if cancelled during recycle, that connection is
     * destroyed unless the manager's isReusableAfterCancelledRecycle keeps it. A connection being created for it
     * keeps being created and serves the next waiter.
     *
     * @throws PoolTimeoutException nothing became available within acquireTimeout.
     * @throws PoolExhaustedException WhenExhausted.FAIL and nothing free, or maxWaiters reached.
     * @throws PoolClosedException the pool is closed, also while waiting.
     * @throws ConnectionCreateException a create for this caller failed, or the pool is failing fast.
     */
    public suspend fun acquire(): Lease<T>

    /**
     * Never suspends: an idle connection that needs no recycle (and no caller is queued), or null.
     * @throws PoolClosedException the pool is closed.
     */
    public fun tryAcquire(): Lease<T>?

    /**
     * Runs [block] with a leased connection. The block's exception propagates; the lease is released on
     * normal return. On an exception the connection is released too unless [ConnectionManager.isBroken]
     * says it is broken. On cancellation inside the block the connection is discarded (state unknown).
     * Cancellable like [acquire].
     */
    public suspend fun <R> use(block: suspend (T) -> R): R

    /** A snapshot of gauges and counters; cheap, eventually consistent. */
    public val stats: PoolStats

    /**
     * Closes the pool: acquires fail with [PoolClosedException], waiters fail at once, idle connections are
     * destroyed; then waits up to [grace] for leased connections to come back (they are destroyed on
     * return), after which the rest are forgotten (destroyed whenever they are released) and background jobs
     * are stopped. Cancellable: cancelling only stops the waiting, the pool stays closed.
     */
    public suspend fun close(grace: Duration)

    /** Begins closing with grace ZERO (see the suspending close); does not suspend. Idempotent. */
    override fun close()

    /**
     * Changes maxSize (> 0). Growing lets waiters get new connections at once; shrinking destroys excess idle
     * connections now and leased ones on return until the pool fits. minIdle/maxIdle are capped at the new size.
     */
    public fun resize(maxSize: Int)

    /** Runs a reaper pass now: destroys idle connections past idleTimeout (above minIdle) or past their ttl. */
    public suspend fun evictIdle()

    /** Destroys every idle connection now; leased ones are destroyed when returned. Does not suspend. */
    public fun evictAll()
}
