package io.hivepool.redis

import io.hivepool.redis.internal.Replies

// List commands. Each suspend function is one round trip through RedisCommands.send and is cancellable as it is.

/** Which end of a list, for [lmove]. */
public enum class ListEnd { LEFT, RIGHT }

/** `LPUSH key value...`: the new length. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lpush(key: String, vararg values: String): Long = send(Command(listOf("LPUSH", key, *values), decode = Replies::long))

/** `RPUSH key value...`: the new length. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.rpush(key: String, vararg values: String): Long = send(Command(listOf("RPUSH", key, *values), decode = Replies::long))

/** `LPOP key`: the first element, or null when the list is empty. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lpop(key: String): String? = send(Command(listOf("LPOP", key), decode = Replies::stringOrNull))

/** `LPOP key count`: up to [count] elements, or null when the key does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lpop(key: String, count: Int): List<String>? =
    send(Command(listOf("LPOP", key, count)) { if (it == RespValue.Null) null else Replies.strings(it) })

/** `RPOP key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.rpop(key: String): String? = send(Command(listOf("RPOP", key), decode = Replies::stringOrNull))

/** `RPOP key count`, null when the key does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.rpop(key: String, count: Int): List<String>? =
    send(Command(listOf("RPOP", key, count)) { if (it == RespValue.Null) null else Replies.strings(it) })

/** `LRANGE key start stop` (inclusive, negative from the end). Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lrange(key: String, start: Long, stop: Long): List<String> =
    send(Command(listOf("LRANGE", key, start, stop), decode = Replies::strings))

/** `LLEN key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.llen(key: String): Long = send(Command(listOf("LLEN", key), decode = Replies::long))

/** `LINDEX key index`, null when out of range. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lindex(key: String, index: Long): String? =
    send(Command(listOf("LINDEX", key, index), decode = Replies::stringOrNull))

/** `LSET key index value`; a bad index is a [RedisServerException]. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lset(key: String, index: Long, value: String): Unit =
    send(Command(listOf("LSET", key, index, value), decode = Replies::unit))

/** `LREM key count value`: how many were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lrem(key: String, count: Long, value: String): Long =
    send(Command(listOf("LREM", key, count, value), decode = Replies::long))

/** `LTRIM key start stop`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.ltrim(key: String, start: Long, stop: Long): Unit =
    send(Command(listOf("LTRIM", key, start, stop), decode = Replies::unit))

/** `LMOVE source destination from to`: the element moved, or null when [source] is empty. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.lmove(source: String, destination: String, from: ListEnd, to: ListEnd): String? =
    send(Command(listOf("LMOVE", source, destination, from.name, to.name), decode = Replies::stringOrNull))
