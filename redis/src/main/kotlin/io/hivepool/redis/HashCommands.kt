package io.hivepool.redis

import io.hivepool.redis.internal.Replies
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

// Hash commands. Each suspend function is one round trip through RedisCommands.send and is cancellable as it is.

/** `HSET key field value`: 1 if the field is new, 0 if it was updated. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hset(key: String, field: String, value: String): Long =
    send(Command(listOf("HSET", key, field, value), decode = Replies::long))

/** `HSET key field value ...`: how many fields were added. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hset(key: String, vararg fields: Pair<String, String>): Long {
    require(fields.isNotEmpty()) { "HSET needs at least one field/value pair" }
    return send(Command(buildList { add("HSET"); add(key); fields.forEach { add(it.first); add(it.second) } }, decode = Replies::long))
}

/** `HSET` from a map. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hset(key: String, fields: Map<String, String>): Long = hset(key, *fields.toList().toTypedArray())

/** `HGET key field`, null when absent. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hget(key: String, field: String): String? =
    send(Command(listOf("HGET", key, field), decode = Replies::stringOrNull))

/** `HMGET key field...`: values in field order, null for absent fields. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hmget(key: String, vararg fields: String): List<String?> =
    send(Command(listOf("HMGET", key, *fields), decode = Replies::nullableStrings))

/** `HGETALL key` (a RESP3 map or a RESP2 flat array) as a map in the server's order. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hgetAll(key: String): Map<String, String> = send(Command(listOf("HGETALL", key), decode = Replies::stringMap))

/** `HDEL key field...`: how many were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hdel(key: String, vararg fields: String): Long = send(Command(listOf("HDEL", key, *fields), decode = Replies::long))

/** `HEXISTS key field`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hexists(key: String, field: String): Boolean =
    send(Command(listOf("HEXISTS", key, field), decode = Replies::boolean))

/** `HINCRBY key field by`: the new value. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hincrBy(key: String, field: String, by: Long): Long =
    send(Command(listOf("HINCRBY", key, field, by), decode = Replies::long))

/** `HKEYS key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hkeys(key: String): List<String> = send(Command(listOf("HKEYS", key), decode = Replies::strings))

/** `HVALS key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hvals(key: String): List<String> = send(Command(listOf("HVALS", key), decode = Replies::strings))

/** `HLEN key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.hlen(key: String): Long = send(Command(listOf("HLEN", key), decode = Replies::long))

/** `HSCAN` as a cold flow of field/value pairs, one page per round trip; collection is cancellable. */
public fun RedisCommands.hscan(key: String, match: String? = null, count: Int? = null): Flow<Pair<String, String>> = flow {
    var cursor = "0"
    do {
        val args = buildList<Any> {
            add("HSCAN"); add(key); add(cursor)
            if (match != null) { add("MATCH"); add(match) }
            if (count != null) { add("COUNT"); add(count) }
        }
        val (next, items) = send(Command(args, decode = Replies::scanPage))
        for (i in 0 until items.size / 2) emit(Replies.string(items[2 * i]) to Replies.string(items[2 * i + 1]))
        cursor = next
    } while (cursor != "0")
}
