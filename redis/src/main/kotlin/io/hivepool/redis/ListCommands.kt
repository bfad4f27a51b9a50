package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import java.util.concurrent.CompletableFuture

/** Which end of a list, for [ListCommands.lmove]. */
public enum class ListEnd { LEFT, RIGHT }

/** The list commands, as values (see [StringCommands] for how the faces use them). Blocking ones: [BlockingCommands]. */
public object ListCommands {
    /** `LPUSH key value…`: the new length. */
    @JvmStatic
    public fun lpush(key: String, vararg values: String): Command<Long> = Command(listOf("LPUSH", key, *values), decode = Decoders.long)

    /** `RPUSH key value…`: the new length. */
    @JvmStatic
    public fun rpush(key: String, vararg values: String): Command<Long> = Command(listOf("RPUSH", key, *values), decode = Decoders.long)

    /** `LPOP key`: the first element, or null when the list is empty. */
    @JvmStatic
    public fun lpop(key: String): Command<String?> = Command(listOf("LPOP", key), decode = Decoders.stringOrNull)

    /** `LPOP key count`: up to [count] elements, or null when the key does not exist. */
    @JvmStatic
    public fun lpop(key: String, count: Int): Command<List<String>?> = Command(listOf("LPOP", key, count), decode = Decoders.stringsOrNull)

    /** `RPOP key`: the last element, or null. */
    @JvmStatic
    public fun rpop(key: String): Command<String?> = Command(listOf("RPOP", key), decode = Decoders.stringOrNull)

    /** `RPOP key count`, null when the key does not exist. */
    @JvmStatic
    public fun rpop(key: String, count: Int): Command<List<String>?> = Command(listOf("RPOP", key, count), decode = Decoders.stringsOrNull)

    /** `LRANGE key start stop` (inclusive, negative from the end). */
    @JvmStatic
    public fun lrange(key: String, start: Long, stop: Long): Command<List<String>> =
        Command(listOf("LRANGE", key, start, stop), decode = Decoders.strings)

    /** `LLEN key`. */
    @JvmStatic
    public fun llen(key: String): Command<Long> = Command(listOf("LLEN", key), decode = Decoders.long)

    /** `LINDEX key index`, null when out of range. */
    @JvmStatic
    public fun lindex(key: String, index: Long): Command<String?> = Command(listOf("LINDEX", key, index), decode = Decoders.stringOrNull)

    /** `LSET key index value`; a bad index is a [RedisServerException]. */
    @JvmStatic
    public fun lset(key: String, index: Long, value: String): Command<Void?> = Command(listOf("LSET", key, index, value), decode = Decoders.ok)

    /** `LREM key count value`: how many were removed. */
    @JvmStatic
    public fun lrem(key: String, count: Long, value: String): Command<Long> = Command(listOf("LREM", key, count, value), decode = Decoders.long)

    /** `LTRIM key start stop`. */
    @JvmStatic
    public fun ltrim(key: String, start: Long, stop: Long): Command<Void?> = Command(listOf("LTRIM", key, start, stop), decode = Decoders.ok)

    /** `LMOVE source destination from to`: the element moved, or null when [source] is empty. */
    @JvmStatic
    public fun lmove(source: String, destination: String, from: ListEnd, to: ListEnd): Command<String?> =
        Command(listOf("LMOVE", source, destination, from.name, to.name), decode = Decoders.stringOrNull)
}

// The Kotlin face: one round trip through RedisCommands.send each, cancellable as it is.

/** `LPUSH key value...`: the new length. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lpush(key: String, vararg values: String): Long = send(ListCommands.lpush(key, *values))

/** `RPUSH key value...`: the new length. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.rpush(key: String, vararg values: String): Long = send(ListCommands.rpush(key, *values))

/** `LPOP key`: the first element, or null when the list is empty. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lpop(key: String): String? = send(ListCommands.lpop(key))

/** `LPOP key count`: up to [count] elements, or null when the key does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lpop(key: String, count: Int): List<String>? = send(ListCommands.lpop(key, count))

/** `RPOP key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.rpop(key: String): String? = send(ListCommands.rpop(key))

/** `RPOP key count`, null when the key does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.rpop(key: String, count: Int): List<String>? = send(ListCommands.rpop(key, count))

/** `LRANGE key start stop` (inclusive, negative from the end). Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lrange(key: String, start: Long, stop: Long): List<String> = send(ListCommands.lrange(key, start, stop))

/** `LLEN key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.llen(key: String): Long = send(ListCommands.llen(key))

/** `LINDEX key index`, null when out of range. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lindex(key: String, index: Long): String? = send(ListCommands.lindex(key, index))

/** `LSET key index value`; a bad index is a [RedisServerException]. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lset(key: String, index: Long, value: String) { send(ListCommands.lset(key, index, value)) }

/** `LREM key count value`: how many were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lrem(key: String, count: Long, value: String): Long = send(ListCommands.lrem(key, count, value))

/** `LTRIM key start stop`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.ltrim(key: String, start: Long, stop: Long) { send(ListCommands.ltrim(key, start, stop)) }

/** `LMOVE source destination from to`: the element moved, or null when [source] is empty. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lmove(source: String, destination: String, from: ListEnd, to: ListEnd): String? =
    send(ListCommands.lmove(source, destination, from, to))

/** The Java face of [ListCommands] (see [FutureStringCommands]). */
public interface FutureListCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `LPUSH key value…`: the new length. */
    public fun lpush(key: String, vararg values: String): CompletableFuture<Long> = send(ListCommands.lpush(key, *values))

    /** `RPUSH key value…`: the new length. */
    public fun rpush(key: String, vararg values: String): CompletableFuture<Long> = send(ListCommands.rpush(key, *values))

    /** `LPOP key`. */
    public fun lpop(key: String): CompletableFuture<String?> = send(ListCommands.lpop(key))

    /** `LPOP key count`. */
    public fun lpop(key: String, count: Int): CompletableFuture<List<String>?> = send(ListCommands.lpop(key, count))

    /** `RPOP key`. */
    public fun rpop(key: String): CompletableFuture<String?> = send(ListCommands.rpop(key))

    /** `RPOP key count`. */
    public fun rpop(key: String, count: Int): CompletableFuture<List<String>?> = send(ListCommands.rpop(key, count))

    /** `LRANGE key start stop`. */
    public fun lrange(key: String, start: Long, stop: Long): CompletableFuture<List<String>> = send(ListCommands.lrange(key, start, stop))

    /** `LLEN key`. */
    public fun llen(key: String): CompletableFuture<Long> = send(ListCommands.llen(key))

    /** `LINDEX key index`. */
    public fun lindex(key: String, index: Long): CompletableFuture<String?> = send(ListCommands.lindex(key, index))

    /** `LSET key index value`. */
    public fun lset(key: String, index: Long, value: String): CompletableFuture<Void?> = send(ListCommands.lset(key, index, value))

    /** `LREM key count value`. */
    public fun lrem(key: String, count: Long, value: String): CompletableFuture<Long> = send(ListCommands.lrem(key, count, value))

    /** `LTRIM key start stop`. */
    public fun ltrim(key: String, start: Long, stop: Long): CompletableFuture<Void?> = send(ListCommands.ltrim(key, start, stop))

    /** `LMOVE source destination from to`. */
    public fun lmove(source: String, destination: String, from: ListEnd, to: ListEnd): CompletableFuture<String?> =
        send(ListCommands.lmove(source, destination, from, to))
}
