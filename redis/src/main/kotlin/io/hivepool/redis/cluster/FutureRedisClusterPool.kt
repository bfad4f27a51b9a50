package io.hivepool.redis.cluster

import io.hivepool.pool.PoolStats
import io.hivepool.redis.FutureRedisBatch
import io.hivepool.redis.FutureRedisCommands
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisSubscription
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

    /** The stats of every node pool, summed ([RedisClusterPool.stats]). */
    public fun stats(): PoolStats

    /**
     * Subscribes to [channels] on one primary (PUBLISH reaches every node) on a connection of its own and hands each
     * message to [listener], in order, one pool thread at a time ([RedisClusterPool.subscribe]).
     * [RedisSubscription.close] unsubscribes and returns the connection.
     */
    public fun subscribe(listener: Consumer<PubSubMessage>, vararg channels: String): RedisSubscription

    /**
     * Sharded pub/sub (Redis 7+): subscribes to the shard [channels] on the primaries serving their slots, following
     * slot moves and failovers, and hands each message to [listener] as [subscribe] does
     * ([RedisClusterPool.ssubscribe]). Publish with [spublish].
     */
    public fun ssubscribe(listener: Consumer<PubSubMessage>, vararg channels: String): RedisSubscription

    /** Closes every node pool without waiting for leased connections. */
    override fun close()
}
