package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/** The hash commands, as values (see [StringCommands] for how the faces use them). */
public object HashCommands {
    /** `HSET key field value`: 1 if the field is new, 0 if it was updated. */
    @JvmStatic
    public fun hset(key: String, field: String, value: String): Command<Long> = Command(listOf("HSET", key, field, value), decode = Decoders.long)

    /** `HSET key field value …` from a map: how many fields were added. */
    @JvmStatic
    public fun hset(key: String, fields: Map<String, String>): Command<Long> {
        require(fields.isNotEmpty()) { "HSET needs at least one field/value pair" }
        return Command(buildList { add("HSET"); add(key); fields.forEach { (f, v) -> add(f); add(v) } }, decode = Decoders.long)
    }

    /** `HGET key field`, null when absent. */
    @JvmStatic
    public fun hget(key: String, field: String): Command<String?> = Command(listOf("HGET", key, field), decode = Decoders.stringOrNull)

    /** `HMGET key field…`: values in field order, null for absent fields. */
    @JvmStatic
    public fun hmget(key: String, vararg fields: String): Command<List<String?>> =
        Command(listOf("HMGET", key, *fields), decode = Decoders.nullableStrings)

    /** `HGETALL key` (a RESP3 map or a RESP2 flat array) as a map in the server's order. */
    @JvmStatic
    public fun hgetAll(key: String): Command<Map<String, String>> = Command(listOf("HGETALL", key), decode = Decoders.stringMap)

    /** `HDEL key field…`: how many were removed. */
    @JvmStatic
    public fun hdel(key: String, vararg fields: String): Command<Long> = Command(listOf("HDEL", key, *fields), decode = Decoders.long)

    /** `HEXISTS key field`. */
    @JvmStatic
    public fun hexists(key: String, field: String): Command<Boolean> = Command(listOf("HEXISTS", key, field), decode = Decoders.boolean)

    /** `HINCRBY key field by`: the new value. */
    @JvmStatic
    public fun hincrBy(key: String, field: String, by: Long): Command<Long> = Command(listOf("HINCRBY", key, field, by), decode = Decoders.long)

    /** `HKEYS key`. */
    @JvmStatic
    public fun hkeys(key: String): Command<List<String>> = Command(listOf("HKEYS", key), decode = Decoders.strings)

    /** `HVALS key`. */
    @JvmStatic
    public fun hvals(key: String): Command<List<String>> = Command(listOf("HVALS", key), decode = Decoders.strings)

    /** `HLEN key`. */
    @JvmStatic
    public fun hlen(key: String): Command<Long> = Command(listOf("HLEN", key), decode = Decoders.long)

    /** One `HSCAN key cursor [MATCH pattern] [COUNT n]` page; its items alternate field and value. */
    @JvmStatic
    @JvmOverloads
    public fun hscan(key: String, cursor: String, match: String? = null, count: Int? = null): Command<ScanPage> {
        val args = buildList<Any> {
            add("HSCAN"); add(key); add(cursor)
            if (match != null) { add("MATCH"); add(match) }
            if (count != null) { add("COUNT"); add(count) }
        }
        return Command(args, decode = ::scanPage)
    }
}

// The Kotlin face: one round trip through RedisCommands.send each, cancellable as it is.

/** `HSET key field value`: 1 if the field is new, 0 if it was updated. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hset(key: String, field: String, value: String): Long = send(HashCommands.hset(key, field, value))

/** `HSET key field value ...`: how many fields were added. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hset(key: String, vararg fields: Pair<String, String>): Long = send(HashCommands.hset(key, fields.toMap()))

/** `HSET` from a map. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hset(key: String, fields: Map<String, String>): Long = send(HashCommands.hset(key, fields))

/** `HGET key field`, null when absent. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hget(key: String, field: String): String? = send(HashCommands.hget(key, field))

/** `HMGET key field...`: values in field order, null for absent fields. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hmget(key: String, vararg fields: String): List<String?> = send(HashCommands.hmget(key, *fields))

/** `HGETALL key` (a RESP3 map or a RESP2 flat array) as a map in the server's order. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hgetAll(key: String): Map<String, String> = send(HashCommands.hgetAll(key))

/** `HDEL key field...`: how many were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hdel(key: String, vararg fields: String): Long = send(HashCommands.hdel(key, *fields))

/** `HEXISTS key field`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hexists(key: String, field: String): Boolean = send(HashCommands.hexists(key, field))

/** `HINCRBY key field by`: the new value. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hincrBy(key: String, field: String, by: Long): Long = send(HashCommands.hincrBy(key, field, by))

/** `HKEYS key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hkeys(key: String): List<String> = send(HashCommands.hkeys(key))

/** `HVALS key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hvals(key: String): List<String> = send(HashCommands.hvals(key))

/** `HLEN key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hlen(key: String): Long = send(HashCommands.hlen(key))

/** `HSCAN` as a cold flow of field/value pairs, one page per round trip; collection is cancellable. */
public fun RedisCommands.hscan(key: String, match: String? = null, count: Int? = null): Flow<Pair<String, String>> = flow {
    var field: String? = null
    scanFlow { cursor -> HashCommands.hscan(key, cursor, match, count) }.collect { item ->
        val f = field
        if (f == null) field = item else { emit(f to item); field = null }
    }
}

/** The Java face of [HashCommands] (see [FutureStringCommands]). */
public interface FutureHashCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `HSET key field value`: 1 when the field is new. */
    public fun hset(key: String, field: String, value: String): CompletableFuture<Long> = send(HashCommands.hset(key, field, value))

    /** `HSET key field value …` from a map: how many fields were added. */
    public fun hset(key: String, fields: Map<String, String>): CompletableFuture<Long> = send(HashCommands.hset(key, fields))

    /** `HGET key field`. */
    public fun hget(key: String, field: String): CompletableFuture<String?> = send(HashCommands.hget(key, field))

    /** `HMGET key field…`. */
    public fun hmget(key: String, vararg fields: String): CompletableFuture<List<String?>> = send(HashCommands.hmget(key, *fields))

    /** `HGETALL key`. */
    public fun hgetAll(key: String): CompletableFuture<Map<String, String>> = send(HashCommands.hgetAll(key))

    /** `HDEL key field…`. */
    public fun hdel(key: String, vararg fields: String): CompletableFuture<Long> = send(HashCommands.hdel(key, *fields))

    /** `HEXISTS key field`. */
    public fun hexists(key: String, field: String): CompletableFuture<Boolean> = send(HashCommands.hexists(key, field))

    /** `HINCRBY key field by`. */
    public fun hincrBy(key: String, field: String, by: Long): CompletableFuture<Long> = send(HashCommands.hincrBy(key, field, by))

    /** `HKEYS key`. */
    public fun hkeys(key: String): CompletableFuture<List<String>> = send(HashCommands.hkeys(key))

    /** `HVALS key`. */
    public fun hvals(key: String): CompletableFuture<List<String>> = send(HashCommands.hvals(key))

    /** `HLEN key`. */
    public fun hlen(key: String): CompletableFuture<Long> = send(HashCommands.hlen(key))

    /** One `HSCAN` page from [cursor] (`"0"` to start); items alternate field and value. See [FutureScanCommands.hscan]. */
    public fun hscanPage(key: String, cursor: String, match: String?, count: Int?): CompletableFuture<ScanPage> =
        send(HashCommands.hscan(key, cursor, match, count))
}
