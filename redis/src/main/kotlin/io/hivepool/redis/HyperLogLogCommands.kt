package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import java.util.concurrent.CompletableFuture

/** The HyperLogLog commands, as values (see [StringCommands] for how the faces use them). */
public object HyperLogLogCommands {
    /** `PFADD key element…`: true when the estimated cardinality changed. */
    @JvmStatic
    public fun pfadd(key: String, vararg elements: String): Command<Boolean> = Command(listOf("PFADD", key, *elements), decode = Decoders.boolean)

    /** `PFCOUNT key…`: the estimated cardinality of the union of the keys. */
    @JvmStatic
    public fun pfcount(vararg keys: String): Command<Long> {
        require(keys.isNotEmpty()) { "PFCOUNT needs at least one key" }
        return Command(listOf("PFCOUNT", *keys), decode = Decoders.long)
    }

    /** `PFMERGE destination source…`. */
    @JvmStatic
    public fun pfmerge(destination: String, vararg sources: String): Command<Void?> =
        Command(listOf("PFMERGE", destination, *sources), decode = Decoders.ok)
}

/** `PFADD key element…`: true when the estimated cardinality changed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pfadd(key: String, vararg elements: String): Boolean = send(HyperLogLogCommands.pfadd(key, *elements))

/** `PFCOUNT key…`: the estimated cardinality of the union of the keys. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pfcount(vararg keys: String): Long = send(HyperLogLogCommands.pfcount(*keys))

/** `PFMERGE destination source…`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pfmerge(destination: String, vararg sources: String) { send(HyperLogLogCommands.pfmerge(destination, *sources)) }

/** The Java face of [HyperLogLogCommands] (see [FutureStringCommands]). */
public interface FutureHyperLogLogCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `PFADD key element…`. */
    public fun pfadd(key: String, vararg elements: String): CompletableFuture<Boolean> = send(HyperLogLogCommands.pfadd(key, *elements))

    /** `PFCOUNT key…`. */
    public fun pfcount(vararg keys: String): CompletableFuture<Long> = send(HyperLogLogCommands.pfcount(*keys))

    /** `PFMERGE destination source…`. */
    public fun pfmerge(destination: String, vararg sources: String): CompletableFuture<Void?> = send(HyperLogLogCommands.pfmerge(destination, *sources))
}
