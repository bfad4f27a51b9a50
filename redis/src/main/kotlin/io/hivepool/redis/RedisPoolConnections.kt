package io.hivepool.redis

/**
 * Where a [RedisPool]'s connections are, by use: `size = idle + leased + shared + creating`.
 *
 * The generic pool underneath ([RedisPool.stats]) sees the shared connections as leases, since each is held for
 * as long as it works; here they are a figure of their own, so that an idle pool reads `idle 0, leased 0,
 * shared 2` rather than `inUse 2`. Eventually consistent like [io.hivepool.pool.PoolStats]: the figures are
 * read one after the other, not at one instant.
 */
public data class RedisPoolConnections(
    /** Connections alive or being opened: idle + leased + shared + creating. */
    public val size: Int,
    /** Idle in the pool, ready to be leased or to become shared. */
    public val idle: Int,
    /** Exclusively leased: `use { }`, `acquire()`, transactions, blocking commands, subscriptions. */
    public val leased: Int,
    /** Carrying pool-level (multiplexed) commands. */
    public val shared: Int,
    /** Being opened. */
    public val creating: Int,
    /** Callers queued for a connection. */
    public val waiters: Int,
    /** The pool's `maxSize`. */
    public val maxSize: Int,
)
