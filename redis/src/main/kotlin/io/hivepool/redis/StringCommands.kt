package io.hivepool.redis

import io.hivepool.redis.internal.Replies
import java.time.Instant
import kotlin.time.Duration

// String commands. Every function here is one round trip through RedisCommands.send and is cancellable as it
// is: cancelled before the command was written, it is never sent; after, its reply is read and dropped.

/** `GET key`: the value, or null when the key does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.get(key: String): String? = send(Command(listOf("GET", key), decode = Replies::stringOrNull))

/** `GET key` with binary key and value. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.get(key: ByteArray): ByteArray? = send(Command(listOf("GET", key), decode = Replies::bytesOrNull))

/**
 * `SET key value [NX|XX] [EX|PX|EXAT|PXAT|KEEPTTL]`. [expire] is sent as EX when it is whole seconds, else PX;
 * [expireAt] likewise as EXAT or PXAT. Returns false when [nx] or [xx] prevented the write.
 * Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.set(
    key: String,
    value: String,
    expire: Duration? = null,
    expireAt: Instant? = null,
    keepTtl: Boolean = false,
    nx: Boolean = false,
    xx: Boolean = false,
): Boolean = send(Command(setArgs(key, value, expire, expireAt, keepTtl, nx, xx, get = false), decode = Replies::okOrNull))

/** [set] with binary key and value. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.set(
    key: ByteArray,
    value: ByteArray,
    expire: Duration? = null,
    expireAt: Instant? = null,
    keepTtl: Boolean = false,
    nx: Boolean = false,
    xx: Boolean = false,
): Boolean = send(Command(setArgs(key, value, expire, expireAt, keepTtl, nx, xx, get = false), decode = Replies::okOrNull))

/**
 * `SET key value GET ...`: sets like [set] and returns the old value (null if there was none).
 * Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.setGet(
    key: String,
    value: String,
    expire: Duration? = null,
    expireAt: Instant? = null,
    keepTtl: Boolean = false,
    nx: Boolean = false,
    xx: Boolean = false,
): String? = send(Command(setArgs(key, value, expire, expireAt, keepTtl, nx, xx, get = true), decode = Replies::stringOrNull))

/** `MGET key...`: values in key order, null for missing keys. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.mget(vararg keys: String): List<String?> =
    send(Command(listOf("MGET", *keys), decode = Replies::nullableStrings))

/** `MSET key value ...`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.mset(vararg pairs: Pair<String, String>) {
    require(pairs.isNotEmpty()) { "MSET needs at least one key/value pair" }
    send(Command(buildList { add("MSET"); pairs.forEach { add(it.first); add(it.second) } }, decode = Replies::unit))
}

/** `MSET` from a map. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.mset(values: Map<String, String>): Unit = mset(*values.toList().toTypedArray())

/** `INCR key`: the new value. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.incr(key: String): Long = send(Command(listOf("INCR", key), decode = Replies::long))

/** `INCRBY key by`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.incrBy(key: String, by: Long): Long = send(Command(listOf("INCRBY", key, by), decode = Replies::long))

/** `INCRBYFLOAT key by`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.incrByFloat(key: String, by: Double): Double =
    send(Command(listOf("INCRBYFLOAT", key, by), decode = Replies::double))

/** `DECR key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.decr(key: String): Long = send(Command(listOf("DECR", key), decode = Replies::long))

/** `DECRBY key by`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.decrBy(key: String, by: Long): Long = send(Command(listOf("DECRBY", key, by), decode = Replies::long))

/** `APPEND key value`: the new length. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.append(key: String, value: String): Long = send(Command(listOf("APPEND", key, value), decode = Replies::long))

/** `GETDEL key`: the value it had, or null. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.getDel(key: String): String? = send(Command(listOf("GETDEL", key), decode = Replies::stringOrNull))

/**
 * `GETEX key [EX|PX|EXAT|PXAT|PERSIST]`: the value, changing its expiry. Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.getEx(key: String, expire: Duration? = null, expireAt: Instant? = null, persist: Boolean = false): String? {
    require(listOf(expire != null, expireAt != null, persist).count { it } <= 1) { "give at most one of expire, expireAt, persist" }
    val args = buildList<Any> {
        add("GETEX"); add(key)
        addExpiry(expire, expireAt)
        if (persist) add("PERSIST")
    }
    return send(Command(args, decode = Replies::stringOrNull))
}

/** `STRLEN key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.strlen(key: String): Long = send(Command(listOf("STRLEN", key), decode = Replies::long))

private fun setArgs(
    key: Any,
    value: Any,
    expire: Duration?,
    expireAt: Instant?,
    keepTtl: Boolean,
    nx: Boolean,
    xx: Boolean,
    get: Boolean,
): List<Any> {
    require(!(nx && xx)) { "nx and xx cannot both be set" }
    require(listOf(expire != null, expireAt != null, keepTtl).count { it } <= 1) { "give at most one of expire, expireAt, keepTtl" }
    return buildList {
        add("SET"); add(key); add(value)
        if (nx) add("NX")
        if (xx) add("XX")
        if (get) add("GET")
        addExpiry(expire, expireAt)
        if (keepTtl) add("KEEPTTL")
    }
}

internal fun MutableList<Any>.addExpiry(expire: Duration?, expireAt: Instant?) {
    if (expire != null) {
        require(expire.isPositive()) { "expire must be > 0, was $expire" }
        val ms = expire.inWholeMilliseconds
        if (ms % 1000 == 0L) { add("EX"); add(ms / 1000) } else { add("PX"); add(ms) }
    }
    if (expireAt != null) {
        val ms = expireAt.toEpochMilli()
        if (ms % 1000 == 0L) { add("EXAT"); add(ms / 1000) } else { add("PXAT"); add(ms) }
    }
}
