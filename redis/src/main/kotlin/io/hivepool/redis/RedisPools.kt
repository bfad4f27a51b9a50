package io.hivepool.redis

import io.hivepool.redis.internal.RealFutureRedisPool
import java.util.function.Function

/** Java entry point: `RedisPools.create(RedisPoolConfig.builder().uri("redis://…").maxSize(16).build())`. */
public object RedisPools {
    /** Builds a pool from [config] and returns its [FutureRedisPool] face. */
    @JvmStatic
    public fun create(config: RedisPoolConfig): FutureRedisPool = RealFutureRedisPool(RedisPool(config))

    /** The [FutureRedisPool] face of an existing [pool] (closing it closes the pool). */
    @JvmStatic
    public fun asFuture(pool: RedisPool): FutureRedisPool = RealFutureRedisPool(pool)

    /** A command for [FutureRedisCommands.send]: its words ([args]: String, ByteArray or numbers) and how to decode the reply. */
    @JvmStatic
    public fun <R> command(decode: Function<RespValue, R>, vararg args: Any): Command<R> = Command(args.toList()) { decode.apply(it) }
}
