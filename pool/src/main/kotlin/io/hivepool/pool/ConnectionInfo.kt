package io.hivepool.pool

import kotlin.time.Duration

/** What the pool knows about one pooled connection; durations are measured on [PoolConfig.timeSource]. */
public interface ConnectionInfo {
    /** 1, 2, 3... per pool, in creation order. */
    public val id: Long

    /** Time since the connection was created. */
    public val age: Duration

    /** Time since the connection was last returned; ZERO while leased and for a connection never used. */
    public val idleTime: Duration

    /** How many leases this connection has served (the current one included). */
    public val useCount: Long
}
