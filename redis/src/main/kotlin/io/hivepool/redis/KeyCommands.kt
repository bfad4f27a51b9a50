package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import io.hivepool.redis.internal.Replies
import java.util.concurrent.CompletableFuture
import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/** One page of a SCAN-family walk: the cursor to continue from (`"0"` when done) and this page's items. */
public data class ScanPage(val cursor: String, val items: List<String>) {
    /** True when this was the last page. */
    public val isLast: Boolean get() = cursor == "0"
}

/** The key commands, as values (see [StringCommands] for how the faces use them). */
public object KeyCommands {
    /** `DEL key…`: how many keys were removed. */
    @JvmStatic
    public fun del(vararg keys: String): Command<Long> = Command(listOf("DEL", *keys), decode = Decoders.long)

    /** `DEL` with binary keys. */
    @JvmStatic
    public fun del(vararg keys: ByteArray): Command<Long> = Command(listOf("DEL", *keys), decode = Decoders.long)

    /** `UNLINK key…`: like DEL, memory reclaimed in the background. */
    @JvmStatic
    public fun unlink(vararg keys: String): Command<Long> = Command(listOf("UNLINK", *keys), decode = Decoders.long)

    /** `EXISTS key…`: how many of the keys exist (a key named twice counts twice). */
    @JvmStatic
    public fun exists(vararg keys: String): Command<Long> = Command(listOf("EXISTS", *keys), decode = Decoders.long)

    /** `EXPIRE key seconds`, or `PEXPIRE key ms` when [ttl] is not whole seconds: false if the key does not exist. */
    @JvmStatic
    public fun expire(key: String, ttl: java.time.Duration): Command<Boolean> {
        val ms = ttl.toMillis()
        return if (ms % 1000 == 0L) Command(listOf("EXPIRE", key, ms / 1000), decode = Decoders.boolean) else pexpire(key, ttl)
    }

    /** `PEXPIRE key milliseconds`. */
    @JvmStatic
    public fun pexpire(key: String, ttl: java.time.Duration): Command<Boolean> =
        Command(listOf("PEXPIRE", key, ttl.toMillis()), decode = Decoders.boolean)

    /** `TTL key` in seconds; -1 when the key has no expiry, -2 when it does not exist. */
    @JvmStatic
    public fun ttl(key: String): Command<Long> = Command(listOf("TTL", key), decode = Decoders.long)

    /** `PTTL key` in milliseconds; -1 / -2 as [ttl]. */
    @JvmStatic
    public fun pttl(key: String): Command<Long> = Command(listOf("PTTL", key), decode = Decoders.long)

    /** `PERSIST key`: true if an expiry was removed. */
    @JvmStatic
    public fun persist(key: String): Command<Boolean> = Command(listOf("PERSIST", key), decode = Decoders.boolean)

    /** `TYPE key`: `string`, `list`, `set`, `zset`, `hash`, `stream`, or `none`. */
    @JvmStatic
    public fun type(key: String): Command<String> = Command(listOf("TYPE", key), decode = Decoders.string)

    /** `RENAME key newKey`; a [RedisServerException] when [key] does not exist. */
    @JvmStatic
    public fun rename(key: String, newKey: String): Command<Void?> = Command(listOf("RENAME", key, newKey), decode = Decoders.ok)

    /** One `SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]` page; start at cursor `"0"`, stop when it comes back. */
    @JvmStatic
    @JvmOverloads
    public fun scan(cursor: String, match: String? = null, count: Int? = null, type: String? = null): Command<ScanPage> {
        val args = buildList<Any> {
            add("SCAN"); add(cursor)
            if (match != null) { add("MATCH"); add(match) }
            if (count != null) { add("COUNT"); add(count) }
            if (type != null) { add("TYPE"); add(type) }
        }
        return Command(args, decode = ::scanPage)
    }
}

/** A SCAN-family reply `[cursor, [items…]]` as a [ScanPage]. */
@JvmSynthetic // top-level internal functions are public static methods to Java
internal fun scanPage(v: RespValue): ScanPage {
    val (cursor, items) = Replies.scanPage(v)
    return ScanPage(cursor, items.map(Decoders.string))
}

/** Walks the pages [page] builds from cursor `"0"` until the cursor comes back, emitting each page's items. */
@JvmSynthetic
internal fun RedisCommands.scanFlow(page: (String) -> Command<ScanPage>): Flow<String> = flow {
    var cursor = "0"
    do {
        val p = send(page(cursor))
        for (item in p.items) emit(item)
        cursor = p.cursor
    } while (cursor != "0")
}

// The Kotlin face: one round trip through RedisCommands.send each, cancellable as it is.

/** `DEL key...`: how many keys were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.del(vararg keys: String): Long = send(KeyCommands.del(*keys))

/** `DEL` with binary keys. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.del(vararg keys: ByteArray): Long = send(KeyCommands.del(*keys))

/** `UNLINK key...`: like DEL, memory reclaimed in the background. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.unlink(vararg keys: String): Long = send(KeyCommands.unlink(*keys))

/** `EXISTS key...`: how many of the keys exist (a key named twice counts twice). Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.exists(vararg keys: String): Long = send(KeyCommands.exists(*keys))

/** `EXPIRE key seconds` (or `PEXPIRE` when [ttl] is not whole seconds): false if the key does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.expire(key: String, ttl: Duration): Boolean = send(KeyCommands.expire(key, ttl.toJavaDuration()))

/** `PEXPIRE key milliseconds`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pexpire(key: String, ttl: Duration): Boolean = send(KeyCommands.pexpire(key, ttl.toJavaDuration()))

/** `TTL key` in seconds; -1 when the key has no expiry, -2 when it does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.ttl(key: String): Long = send(KeyCommands.ttl(key))

/** `PTTL key` in milliseconds; -1 / -2 as [ttl]. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pttl(key: String): Long = send(KeyCommands.pttl(key))

/** `PERSIST key`: true if an expiry was removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.persist(key: String): Boolean = send(KeyCommands.persist(key))

/** `TYPE key`: `string`, `list`, `set`, `zset`, `hash`, `stream`, or `none`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.type(key: String): String = send(KeyCommands.type(key))

/** `RENAME key newKey`; fails with [RedisServerException] when [key] does not exist. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.rename(key: String, newKey: String) { send(KeyCommands.rename(key, newKey)) }

/**
 * `SCAN` as a cold flow of key names: each collection walks the keyspace from cursor 0, one page per round trip.
 * Keys may repeat and keys changed during the walk may be missed, as SCAN guarantees. Collection is cancellable
 * between and during pages.
 */
public fun RedisCommands.scan(match: String? = null, count: Int? = null, type: String? = null): Flow<String> =
    scanFlow { cursor -> KeyCommands.scan(cursor, match, count, type) }

/** The Java face of [KeyCommands] (see [FutureStringCommands]). */
public interface FutureKeyCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `DEL key…`: how many were removed. */
    public fun del(vararg keys: String): CompletableFuture<Long> = send(KeyCommands.del(*keys))

    /** `UNLINK key…`. */
    public fun unlink(vararg keys: String): CompletableFuture<Long> = send(KeyCommands.unlink(*keys))

    /** `EXISTS key…`: how many exist. */
    public fun exists(vararg keys: String): CompletableFuture<Long> = send(KeyCommands.exists(*keys))

    /** `EXPIRE`/`PEXPIRE key ttl`: false when the key does not exist. */
    public fun expire(key: String, ttl: java.time.Duration): CompletableFuture<Boolean> = send(KeyCommands.expire(key, ttl))

    /** `PEXPIRE key ttl`. */
    public fun pexpire(key: String, ttl: java.time.Duration): CompletableFuture<Boolean> = send(KeyCommands.pexpire(key, ttl))

    /** `TTL key` in seconds (-1 no expiry, -2 no key). */
    public fun ttl(key: String): CompletableFuture<Long> = send(KeyCommands.ttl(key))

    /** `PTTL key` in milliseconds. */
    public fun pttl(key: String): CompletableFuture<Long> = send(KeyCommands.pttl(key))

    /** `PERSIST key`. */
    public fun persist(key: String): CompletableFuture<Boolean> = send(KeyCommands.persist(key))

    /** `TYPE key`. */
    public fun type(key: String): CompletableFuture<String> = send(KeyCommands.type(key))

    /** `RENAME key newKey`. */
    public fun rename(key: String, newKey: String): CompletableFuture<Void?> = send(KeyCommands.rename(key, newKey))

    /** One `SCAN` page from [cursor] (`"0"` to start); see [FutureRedisPool.scan] for an iterator over all keys. */
    public fun scanPage(cursor: String, match: String?, count: Int?): CompletableFuture<ScanPage> =
        send(KeyCommands.scan(cursor, match, count))
}
