package io.hivepool.redis

import io.hivepool.redis.internal.Replies
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

// Set commands. Each suspend function is one round trip through RedisCommands.send and is cancellable as it is.
// Replies come as RESP3 sets or RESP2 arrays; both decode to the same Kotlin types.

/** `SADD key member...`: how many were added. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sadd(key: String, vararg members: String): Long = send(Command(listOf("SADD", key, *members), decode = Replies::long))

/** `SREM key member...`: how many were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.srem(key: String, vararg members: String): Long = send(Command(listOf("SREM", key, *members), decode = Replies::long))

/** `SMEMBERS key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.smembers(key: String): Set<String> = send(Command(listOf("SMEMBERS", key), decode = Replies::stringSet))

/** `SISMEMBER key member`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sismember(key: String, member: String): Boolean =
    send(Command(listOf("SISMEMBER", key, member), decode = Replies::boolean))

/** `SCARD key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.scard(key: String): Long = send(Command(listOf("SCARD", key), decode = Replies::long))

/** `SINTER key...`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sinter(vararg keys: String): Set<String> = send(Command(listOf("SINTER", *keys), decode = Replies::stringSet))

/** `SUNION key...`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sunion(vararg keys: String): Set<String> = send(Command(listOf("SUNION", *keys), decode = Replies::stringSet))

/** `SDIFF key...`: members of the first set not in the others. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sdiff(vararg keys: String): Set<String> = send(Command(listOf("SDIFF", *keys), decode = Replies::stringSet))

/** `SPOP key`: a random member removed, or null when the set is empty. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.spop(key: String): String? = send(Command(listOf("SPOP", key), decode = Replies::stringOrNull))

/** `SPOP key count`: up to [count] random members removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.spop(key: String, count: Int): Set<String> = send(Command(listOf("SPOP", key, count), decode = Replies::stringSet))

/** `SRANDMEMBER key`: a random member, or null. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.srandmember(key: String): String? = send(Command(listOf("SRANDMEMBER", key), decode = Replies::stringOrNull))

/**
 * `SRANDMEMBER key count`: distinct members when [count] > 0, possibly repeated when negative.
 * Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.srandmember(key: String, count: Int): List<String> =
    send(Command(listOf("SRANDMEMBER", key, count), decode = Replies::strings))

/** `SSCAN` as a cold flow of members, one page per round trip; collection is cancellable. */
public fun RedisCommands.sscan(key: String, match: String? = null, count: Int? = null): Flow<String> = flow {
    var cursor = "0"
    do {
        val args = buildList<Any> {
            add("SSCAN"); add(key); add(cursor)
            if (match != null) { add("MATCH"); add(match) }
            if (count != null) { add("COUNT"); add(count) }
        }
        val (next, items) = send(Command(args, decode = Replies::scanPage))
        for (item in items) emit(Replies.string(item))
        cursor = next
    } while (cursor != "0")
}
