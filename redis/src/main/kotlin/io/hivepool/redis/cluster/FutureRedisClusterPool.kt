package io.hivepool.redis.cluster

import io.hivepool.pool.PoolStats
import io.hivepool.redis.FutureRedisBatch
import io.hivepool.redis.FutureRedisCommands
import java.util.concurrent.CompletableFuture
import java.util.function.Consumer

/**
 * The Java face of a [RedisClusterPool] (`RedisPools.cluster(config)`): the same [FutureRedisCommands] as a
 * single-server [io.hivepool.redis.FutureRedisPool], routed by slot, plus pipelines over every node and
 * transactions pinned to one slot. Close it when done.
 */
public interface FutureRedisClusterPool : FutureRedisCommands, AutoCloseable {
    /** The coroutine cluster client underneath, for Kotlin code. */
    public val clusterPool: RedisClusterPool

    /** The commands [block] queues, one flush per node: every reply in the order queued (a failed one as its exception). */
    public fun pipeline(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>>

    /**
     * MULTI, the commands [block] queues, EXEC on the primary of [hashKey]'s slot: the replies in order, or null
     * when aborted. Every key must hash to that slot.
     */
    public fun transaction(hashKey: String, block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?>

    /** The stats of every node pool, by `host:port`. */
    public fun nodeStats(): Map<String, PoolStats>

    /** Closes every node pool without waiting for leased connections. */
    override fun close()
}
