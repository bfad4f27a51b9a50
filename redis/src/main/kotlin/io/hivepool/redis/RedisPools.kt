package io.hivepool.redis

import io.hivepool.redis.cluster.FutureRedisClusterPool
import io.hivepool.redis.cluster.RedisClusterConfig
import io.hivepool.redis.cluster.RedisClusterPool
import io.hivepool.redis.cluster.internal.RealFutureRedisClusterPool
import io.hivepool.redis.internal.RealFutureRedisPool
import io.hivepool.redis.sentinel.RedisSentinelConfig
import io.hivepool.redis.sentinel.RedisSentinelPool
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.future.future
import java.util.concurrent.CompletableFuture
import java.util.function.Function

/** Java entry point: `RedisPools.create(RedisPoolConfig.builder().uri("redis://…").maxSize(16).build())`. */
public object RedisPools {
    /** Builds a pool from [config] and returns its [FutureRedisPool] face. */
    @JvmStatic
    public fun create(config: RedisPoolConfig): FutureRedisPool = RealFutureRedisPool(RedisPool(config))

    /** Builds a Redis Cluster client from [config] and returns its future face (the topology is read by the first command). */
    @JvmStatic
    public fun cluster(config: RedisClusterConfig): FutureRedisClusterPool = RealFutureRedisClusterPool(RedisClusterPool(config))

    /**
     * Builds a pool on the master named by the sentinels of [config] (see `redisSentinel`); the future completes once
     * the master was found and checked with ROLE, or fails with `RedisSentinelException`.
     */
    @JvmStatic
    public fun sentinel(config: RedisSentinelConfig): CompletableFuture<FutureRedisPool> =
        CoroutineScope(Dispatchers.Default).future { RealFutureRedisPool(RedisSentinelPool(config)) }

    /** The [FutureRedisPool] face of an existing [pool] (closing it closes the pool). */
    @JvmStatic
    public fun asFuture(pool: RedisPool): FutureRedisPool = RealFutureRedisPool(pool)

    /** A command for [FutureRedisCommands.send]: its words ([args]: String, ByteArray or numbers) and how to decode the reply. */
    @JvmStatic
    public fun <R> command(decode: Function<RespValue, R>, vararg args: Any): Command<R> = Command(args.toList()) { decode.apply(it) }
}
