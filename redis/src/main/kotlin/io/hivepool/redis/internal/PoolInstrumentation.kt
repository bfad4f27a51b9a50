package io.hivepool.redis.internal

import io.hivepool.redis.Command

/**
 * What a metrics binder hears from a [RealRedisPool] (installed by `RedisPoolMetrics`). Unset, each hook point
 * costs one volatile read and a null check: nothing is allocated and no clock is read.
 */
internal interface PoolInstrumentation {
    /** A pool-level command is about to be routed; the returned token comes back in [commandEnded]. */
    fun commandStarted(command: Command<*>): Any?

    /** The command of [commandStarted] returned ([error] null) or threw. */
    fun commandEnded(token: Any?, error: Throwable?)

    /** A connection was opened (handshake included) in [nanos]. */
    fun connectionCreated(nanos: Long)

    /** An exclusive lease taken by `use { }` (transactions and blocking commands included) was held [nanos]. */
    fun leaseUsed(nanos: Long)
}
