package io.hivepool.pool.internal

/** Why a connection left the pool; each has its own counter in PoolStats. */
internal enum class DestroyReason { IDLE, TTL, BROKEN, RECYCLE_FAILED, CLOSED }
