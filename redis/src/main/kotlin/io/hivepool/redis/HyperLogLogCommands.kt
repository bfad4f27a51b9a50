package io.hivepool.redis

import io.hivepool.redis.internal.Replies

// HyperLogLog commands. Each is one round trip through RedisCommands.send and cancellable as it is.

/** `PFADD key element…`: true when the estimated cardinality changed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pfadd(key: String, vararg elements: String): Boolean =
    send(Command(listOf("PFADD", key, *elements), decode = Replies::boolean))

/** `PFCOUNT key…`: the estimated cardinality of the union of the keys. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pfcount(vararg keys: String): Long {
    require(keys.isNotEmpty()) { "PFCOUNT needs at least one key" }
    return send(Command(listOf("PFCOUNT", *keys), decode = Replies::long))
}

/** `PFMERGE destination source…`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pfmerge(destination: String, vararg sources: String): Unit =
    send(Command(listOf("PFMERGE", destination, *sources), decode = Replies::unit))
