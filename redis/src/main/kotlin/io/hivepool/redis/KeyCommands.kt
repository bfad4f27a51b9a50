package io.hivepool.redis

import io.hivepool.redis.internal.Replies
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlin.time.Duration

// Key commands. Each suspend function is one round trip through RedisCommands.send and is cancellable as it is.

/** `DEL key...`: how many keys were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.del(vararg keys: String): Long = send(Command(listOf("DEL", *keys), decode = Replies::long))

/** `DEL` with binary keys. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.del(vararg keys: ByteArray): Long = send(Command(listOf("DEL", *keys), decode = Replies::long))

/** `UNLINK key...`: like DEL, memory reclaimed in the background. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.unlink(vararg keys: String): Long = send(Command(listOf("UNLINK", *keys), decode = Replies::long))

/** `EXISTS key...`: how many of the keys exist (a key named twice counts twice). Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.exists(vararg keys: String): Long = send(Command(listOf("EXISTS", *keys), decode = Replies::long))

/** `EXPIRE key seconds` (or `PEXPIRE` when [ttl] is not whole seconds): false if the key does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.expire(key: String, ttl: Duration): Boolean {
    val ms = ttl.inWholeMilliseconds
    return if (ms % 1000 == 0L) send(Command(listOf("EXPIRE", key, ms / 1000), decode = Replies::boolean)) else pexpire(key, ttl)
}

/** `PEXPIRE key milliseconds`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pexpire(key: String, ttl: Duration): Boolean =
    send(Command(listOf("PEXPIRE", key, ttl.inWholeMilliseconds), decode = Replies::boolean))

/** `TTL key` in seconds; -1 when the key has no expiry, -2 when it does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.ttl(key: String): Long = send(Command(listOf("TTL", key), decode = Replies::long))

/** `PTTL key` in milliseconds; -1 / -2 as [ttl]. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pttl(key: String): Long = send(Command(listOf("PTTL", key), decode = Replies::long))

/** `PERSIST key`: true if an expiry was removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.persist(key: String): Boolean = send(Command(listOf("PERSIST", key), decode = Replies::boolean))

/** `TYPE key`: `string`, `list`, `set`, `zset`, `hash`, `stream`, or `none`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.type(key: String): String = send(Command(listOf("TYPE", key), decode = Replies::string))

/** `RENAME key newKey`; fails with [RedisServerException] when [key] does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.rename(key: String, newKey: String): Unit = send(Command(listOf("RENAME", key, newKey), decode = Replies::unit))

/**
 * `SCAN` as a cold flow of key names: each collection walks the keyspace from cursor 0, one page per round trip.
 * Keys may repeat and keys changed during the walk may be missed, as SCAN guarantees. Collection is cancellable
 * between and during pages.
 */
public fun RedisCommands.scan(match: String? = null, count: Int? = null, type: String? = null): Flow<String> = flow {
    var cursor = "0"
    do {
        val args = buildList<Any> {
            add("SCAN"); add(cursor)
            if (match != null) { add("MATCH"); add(match) }
            if (count != null) { add("COUNT"); add(count) }
            if (type != null) { add("TYPE"); add(type) }
        }
        val (next, items) = send(Command(args, decode = Replies::scanPage))
        for (item in items) emit(Replies.string(item))
        cursor = next
    } while (cursor != "0")
}
