package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import java.time.Instant
import java.util.concurrent.CompletableFuture
import kotlin.time.Duration
import kotlin.time.toJavaDuration

/**
 * The string commands, as values: each factory builds the [Command] (arguments and reply decoder) that every
 * face sends — the Kotlin extensions below, [FutureStringCommands] for Java, pipelines and transactions.
 * From Java: `pool.send(StringCommands.mget("a", "b"))` or the typed `pool.mget("a", "b")`.
 *
 * Expiries are sent as EX (whole seconds) or PX; instants as EXAT or PXAT. Invalid option combinations fail
 * with [IllegalArgumentException] when the command is built.
 */
public object StringCommands {
    /** `GET key`: the value, or null when the key does not exist. */
    @JvmStatic
    public fun get(key: String): Command<String?> = Command(listOf("GET", key), decode = Decoders.stringOrNull)

    /** `GET key` with binary key and value. */
    @JvmStatic
    public fun get(key: ByteArray): Command<ByteArray?> = Command(listOf("GET", key), decode = Decoders.bytesOrNull)

    /**
     * `SET key value [NX|XX] [EX|PX|EXAT|PXAT|KEEPTTL]`: false when [nx] or [xx] prevented the write.
     * Give at most one of [expire], [expireAt] and [keepTtl].
     */
    @JvmStatic
    @JvmOverloads
    public fun set(
        key: String,
        value: String,
        expire: java.time.Duration? = null,
        expireAt: Instant? = null,
        keepTtl: Boolean = false,
        nx: Boolean = false,
        xx: Boolean = false,
    ): Command<Boolean> = Command(setArgs(key, value, expire, expireAt, keepTtl, nx, xx, get = false), decode = Decoders.okOrNull)

    /** [set] with binary key and value. */
    @JvmStatic
    @JvmOverloads
    public fun set(
        key: ByteArray,
        value: ByteArray,
        expire: java.time.Duration? = null,
        expireAt: Instant? = null,
        keepTtl: Boolean = false,
        nx: Boolean = false,
        xx: Boolean = false,
    ): Command<Boolean> = Command(setArgs(key, value, expire, expireAt, keepTtl, nx, xx, get = false), decode = Decoders.okOrNull)

    /** `SET key value GET …`: sets like [set] and returns the old value (null if there was none). */
    @JvmStatic
    @JvmOverloads
    public fun setGet(
        key: String,
        value: String,
        expire: java.time.Duration? = null,
        expireAt: Instant? = null,
        keepTtl: Boolean = false,
        nx: Boolean = false,
        xx: Boolean = false,
    ): Command<String?> = Command(setArgs(key, value, expire, expireAt, keepTtl, nx, xx, get = true), decode = Decoders.stringOrNull)

    /** `MGET key…`: values in key order, null for missing keys. */
    @JvmStatic
    public fun mget(vararg keys: String): Command<List<String?>> = Command(listOf("MGET", *keys), decode = Decoders.nullableStrings)

    /** `MSET key value …` from a map (in its iteration order). */
    @JvmStatic
    public fun mset(values: Map<String, String>): Command<Void?> {
        require(values.isNotEmpty()) { "MSET needs at least one key/value pair" }
        return Command(buildList { add("MSET"); values.forEach { (k, v) -> add(k); add(v) } }, decode = Decoders.ok)
    }

    /** `INCR key`: the new value. */
    @JvmStatic
    public fun incr(key: String): Command<Long> = Command(listOf("INCR", key), decode = Decoders.long)

    /** `INCRBY key by`: the new value. */
    @JvmStatic
    public fun incrBy(key: String, by: Long): Command<Long> = Command(listOf("INCRBY", key, by), decode = Decoders.long)

    /** `INCRBYFLOAT key by`: the new value. */
    @JvmStatic
    public fun incrByFloat(key: String, by: Double): Command<Double> = Command(listOf("INCRBYFLOAT", key, by), decode = Decoders.double)

    /** `DECR key`: the new value. */
    @JvmStatic
    public fun decr(key: String): Command<Long> = Command(listOf("DECR", key), decode = Decoders.long)

    /** `DECRBY key by`: the new value. */
    @JvmStatic
    public fun decrBy(key: String, by: Long): Command<Long> = Command(listOf("DECRBY", key, by), decode = Decoders.long)

    /** `APPEND key value`: the new length. */
    @JvmStatic
    public fun append(key: String, value: String): Command<Long> = Command(listOf("APPEND", key, value), decode = Decoders.long)

    /** `GETDEL key`: the value it had, or null. */
    @JvmStatic
    public fun getDel(key: String): Command<String?> = Command(listOf("GETDEL", key), decode = Decoders.stringOrNull)

    /** `GETEX key [EX|PX|EXAT|PXAT|PERSIST]`: the value, changing its expiry; give at most one option. */
    @JvmStatic
    @JvmOverloads
    public fun getEx(key: String, expire: java.time.Duration? = null, expireAt: Instant? = null, persist: Boolean = false): Command<String?> {
        require(atMostOne(expire != null, expireAt != null, persist)) { "give at most one of expire, expireAt, persist" }
        val args = buildList<Any> {
            add("GETEX"); add(key)
            addExpiry(expire, expireAt)
            if (persist) add("PERSIST")
        }
        return Command(args, decode = Decoders.stringOrNull)
    }

    /** `STRLEN key`. */
    @JvmStatic
    public fun strlen(key: String): Command<Long> = Command(listOf("STRLEN", key), decode = Decoders.long)

    private fun setArgs(
        key: Any,
        value: Any,
        expire: java.time.Duration?,
        expireAt: Instant?,
        keepTtl: Boolean,
        nx: Boolean,
        xx: Boolean,
        get: Boolean,
    ): List<Any> {
        require(!(nx && xx)) { "nx and xx cannot both be set" }
        require(atMostOne(expire != null, expireAt != null, keepTtl)) { "give at most one of expire, expireAt, keepTtl" }
        if (!nx && !xx && !get && expire == null && expireAt == null && !keepTtl) return listOf("SET", key, value) // the common case, sized exactly
        return buildList {
            add("SET"); add(key); add(value)
            if (nx) add("NX")
            if (xx) add("XX")
            if (get) add("GET")
            addExpiry(expire, expireAt)
            if (keepTtl) add("KEEPTTL")
        }
    }
}

/** No allocation per call, unlike counting a list of flags: SET is on the hot path. */
private fun atMostOne(a: Boolean, b: Boolean, c: Boolean): Boolean = (if (a) 1 else 0) + (if (b) 1 else 0) + (if (c) 1 else 0) <= 1

@JvmSynthetic // top-level internal functions are public static methods to Java
internal fun MutableList<Any>.addExpiry(expire: java.time.Duration?, expireAt: Instant?) {
    if (expire != null) {
        require(!expire.isNegative && !expire.isZero) { "expire must be > 0, was $expire" }
        val ms = expire.toMillis()
        if (ms % 1000 == 0L) { add("EX"); add(ms / 1000) } else { add("PX"); add(ms) }
    }
    if (expireAt != null) {
        val ms = expireAt.toEpochMilli()
        if (ms % 1000 == 0L) { add("EXAT"); add(ms / 1000) } else { add("PXAT"); add(ms) }
    }
}

// The Kotlin face: one round trip through RedisCommands.send each, cancellable as it is (cancelled before the
// command was written, it is never sent; after, its reply is read and dropped).

/** `GET key`: the value, or null when the key does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.get(key: String): String? = send(StringCommands.get(key))

/** `GET key` with binary key and value. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.get(key: ByteArray): ByteArray? = send(StringCommands.get(key))

/** [StringCommands.set] (false when [nx] or [xx] prevented the write). Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.set(
    key: String,
    value: String,
    expire: Duration? = null,
    expireAt: Instant? = null,
    keepTtl: Boolean = false,
    nx: Boolean = false,
    xx: Boolean = false,
): Boolean = send(StringCommands.set(key, value, expire?.toJavaDuration(), expireAt, keepTtl, nx, xx))

/** [set] with binary key and value. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.set(
    key: ByteArray,
    value: ByteArray,
    expire: Duration? = null,
    expireAt: Instant? = null,
    keepTtl: Boolean = false,
    nx: Boolean = false,
    xx: Boolean = false,
): Boolean = send(StringCommands.set(key, value, expire?.toJavaDuration(), expireAt, keepTtl, nx, xx))

/** [StringCommands.setGet]: sets and returns the old value. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.setGet(
    key: String,
    value: String,
    expire: Duration? = null,
    expireAt: Instant? = null,
    keepTtl: Boolean = false,
    nx: Boolean = false,
    xx: Boolean = false,
): String? = send(StringCommands.setGet(key, value, expire?.toJavaDuration(), expireAt, keepTtl, nx, xx))

/** `MGET key...`: values in key order, null for missing keys. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.mget(vararg keys: String): List<String?> = send(StringCommands.mget(*keys))

/** `MSET key value ...`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.mset(vararg pairs: Pair<String, String>) { send(StringCommands.mset(pairs.toMap())) }

/** `MSET` from a map. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.mset(values: Map<String, String>) { send(StringCommands.mset(values)) }

/** `INCR key`: the new value. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.incr(key: String): Long = send(StringCommands.incr(key))

/** `INCRBY key by`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.incrBy(key: String, by: Long): Long = send(StringCommands.incrBy(key, by))

/** `INCRBYFLOAT key by`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.incrByFloat(key: String, by: Double): Double = send(StringCommands.incrByFloat(key, by))

/** `DECR key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.decr(key: String): Long = send(StringCommands.decr(key))

/** `DECRBY key by`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.decrBy(key: String, by: Long): Long = send(StringCommands.decrBy(key, by))

/** `APPEND key value`: the new length. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.append(key: String, value: String): Long = send(StringCommands.append(key, value))

/** `GETDEL key`: the value it had, or null. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.getDel(key: String): String? = send(StringCommands.getDel(key))

/** [StringCommands.getEx]: the value, changing its expiry. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.getEx(key: String, expire: Duration? = null, expireAt: Instant? = null, persist: Boolean = false): String? =
    send(StringCommands.getEx(key, expire?.toJavaDuration(), expireAt, persist))

/** `STRLEN key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.strlen(key: String): Long = send(StringCommands.strlen(key))

/**
 * The Java face of [StringCommands]: each method sends its command through [send] and returns the future of the
 * decoded reply. Full option sets: `send(StringCommands.set(key, value, ttl, null, false, true, false))`.
 */
public interface FutureStringCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `GET key`: the value or null. */
    public fun get(key: String): CompletableFuture<String?> = send(StringCommands.get(key))

    /** `GET key`, binary. */
    public fun get(key: ByteArray): CompletableFuture<ByteArray?> = send(StringCommands.get(key))

    /** `SET key value`: true when written. */
    public fun set(key: String, value: String): CompletableFuture<Boolean> = send(StringCommands.set(key, value))

    /** `SET key value` with an expiry (EX or PX). */
    public fun set(key: String, value: String, ttl: java.time.Duration): CompletableFuture<Boolean> = send(StringCommands.set(key, value, ttl))

    /** `SET key value`, binary. */
    public fun set(key: ByteArray, value: ByteArray): CompletableFuture<Boolean> = send(StringCommands.set(key, value))

    /** `SET key value NX [ttl]`: false when the key already existed. [ttl] may be null. */
    public fun setNx(key: String, value: String, ttl: java.time.Duration?): CompletableFuture<Boolean> =
        send(StringCommands.set(key, value, ttl, nx = true))

    /** `SET key value GET`: the old value. */
    public fun setGet(key: String, value: String): CompletableFuture<String?> = send(StringCommands.setGet(key, value))

    /** `MGET key…`. */
    public fun mget(vararg keys: String): CompletableFuture<List<String?>> = send(StringCommands.mget(*keys))

    /** `MSET` from a map. */
    public fun mset(values: Map<String, String>): CompletableFuture<Void?> = send(StringCommands.mset(values))

    /** `INCR key`: the new value. */
    public fun incr(key: String): CompletableFuture<Long> = send(StringCommands.incr(key))

    /** `INCRBY key by`. */
    public fun incrBy(key: String, by: Long): CompletableFuture<Long> = send(StringCommands.incrBy(key, by))

    /** `INCRBYFLOAT key by`. */
    public fun incrByFloat(key: String, by: Double): CompletableFuture<Double> = send(StringCommands.incrByFloat(key, by))

    /** `DECR key`. */
    public fun decr(key: String): CompletableFuture<Long> = send(StringCommands.decr(key))

    /** `DECRBY key by`. */
    public fun decrBy(key: String, by: Long): CompletableFuture<Long> = send(StringCommands.decrBy(key, by))

    /** `APPEND key value`: the new length. */
    public fun append(key: String, value: String): CompletableFuture<Long> = send(StringCommands.append(key, value))

    /** `GETDEL key`. */
    public fun getDel(key: String): CompletableFuture<String?> = send(StringCommands.getDel(key))

    /** `GETEX key PX|EX ttl`: the value, with a new expiry. */
    public fun getEx(key: String, ttl: java.time.Duration): CompletableFuture<String?> = send(StringCommands.getEx(key, ttl))

    /** `STRLEN key`. */
    public fun strlen(key: String): CompletableFuture<Long> = send(StringCommands.strlen(key))
}
