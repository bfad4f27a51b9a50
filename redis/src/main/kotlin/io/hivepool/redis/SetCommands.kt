package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.flow.Flow

/**
 * The set commands, as values (see [StringCommands] for how the faces use them). Replies come as RESP3 sets or
 * RESP2 arrays; both decode to the same types.
 */
public object SetCommands {
    /** `SADD key member…`: how many were added. */
    @JvmStatic
    public fun sadd(key: String, vararg members: String): Command<Long> = Command(listOf("SADD", key, *members), decode = Decoders.long)

    /** `SREM key member…`: how many were removed. */
    @JvmStatic
    public fun srem(key: String, vararg members: String): Command<Long> = Command(listOf("SREM", key, *members), decode = Decoders.long)

    /** `SMEMBERS key`. */
    @JvmStatic
    public fun smembers(key: String): Command<Set<String>> = Command(listOf("SMEMBERS", key), decode = Decoders.stringSet)

    /** `SISMEMBER key member`. */
    @JvmStatic
    public fun sismember(key: String, member: String): Command<Boolean> = Command(listOf("SISMEMBER", key, member), decode = Decoders.boolean)

    /** `SCARD key`. */
    @JvmStatic
    public fun scard(key: String): Command<Long> = Command(listOf("SCARD", key), decode = Decoders.long)

    /** `SINTER key…`. */
    @JvmStatic
    public fun sinter(vararg keys: String): Command<Set<String>> = Command(listOf("SINTER", *keys), decode = Decoders.stringSet)

    /** `SUNION key…`. */
    @JvmStatic
    public fun sunion(vararg keys: String): Command<Set<String>> = Command(listOf("SUNION", *keys), decode = Decoders.stringSet)

    /** `SDIFF key…`: members of the first set not in the others. */
    @JvmStatic
    public fun sdiff(vararg keys: String): Command<Set<String>> = Command(listOf("SDIFF", *keys), decode = Decoders.stringSet)

    /** `SPOP key`: a random member removed, or null when the set is empty. */
    @JvmStatic
    public fun spop(key: String): Command<String?> = Command(listOf("SPOP", key), decode = Decoders.stringOrNull)

    /** `SPOP key count`: up to [count] random members removed. */
    @JvmStatic
    public fun spop(key: String, count: Int): Command<Set<String>> = Command(listOf("SPOP", key, count), decode = Decoders.stringSet)

    /** `SRANDMEMBER key`: a random member, or null. */
    @JvmStatic
    public fun srandmember(key: String): Command<String?> = Command(listOf("SRANDMEMBER", key), decode = Decoders.stringOrNull)

    /** `SRANDMEMBER key count`: distinct members when [count] > 0, possibly repeated when negative. */
    @JvmStatic
    public fun srandmember(key: String, count: Int): Command<List<String>> = Command(listOf("SRANDMEMBER", key, count), decode = Decoders.strings)

    /** One `SSCAN key cursor [MATCH pattern] [COUNT n]` page of members. */
    @JvmStatic
    @JvmOverloads
    public fun sscan(key: String, cursor: String, match: String? = null, count: Int? = null): Command<ScanPage> {
        val args = buildList<Any> {
            add("SSCAN"); add(key); add(cursor)
            if (match != null) { add("MATCH"); add(match) }
            if (count != null) { add("COUNT"); add(count) }
        }
        return Command(args, decode = ::scanPage)
    }
}

// The Kotlin face: one round trip through RedisCommands.send each, cancellable as it is.

/** `SADD key member...`: how many were added. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sadd(key: String, vararg members: String): Long = send(SetCommands.sadd(key, *members))

/** `SREM key member...`: how many were removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.srem(key: String, vararg members: String): Long = send(SetCommands.srem(key, *members))

/** `SMEMBERS key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.smembers(key: String): Set<String> = send(SetCommands.smembers(key))

/** `SISMEMBER key member`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sismember(key: String, member: String): Boolean = send(SetCommands.sismember(key, member))

/** `SCARD key`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.scard(key: String): Long = send(SetCommands.scard(key))

/** `SINTER key...`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sinter(vararg keys: String): Set<String> = send(SetCommands.sinter(*keys))

/** `SUNION key...`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sunion(vararg keys: String): Set<String> = send(SetCommands.sunion(*keys))

/** `SDIFF key...`: members of the first set not in the others. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.sdiff(vararg keys: String): Set<String> = send(SetCommands.sdiff(*keys))

/** `SPOP key`: a random member removed, or null when the set is empty. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.spop(key: String): String? = send(SetCommands.spop(key))

/** `SPOP key count`: up to [count] random members removed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.spop(key: String, count: Int): Set<String> = send(SetCommands.spop(key, count))

/** `SRANDMEMBER key`: a random member, or null. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.srandmember(key: String): String? = send(SetCommands.srandmember(key))

/** `SRANDMEMBER key count`: distinct members when [count] > 0, possibly repeated when negative. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.srandmember(key: String, count: Int): List<String> = send(SetCommands.srandmember(key, count))

/** `SSCAN` as a cold flow of members, one page per round trip; collection is cancellable. */
public fun RedisCommands.sscan(key: String, match: String? = null, count: Int? = null): Flow<String> =
    scanFlow { cursor -> SetCommands.sscan(key, cursor, match, count) }

/** The Java face of [SetCommands] (see [FutureStringCommands]). */
public interface FutureSetCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `SADD key member…`. */
    public fun sadd(key: String, vararg members: String): CompletableFuture<Long> = send(SetCommands.sadd(key, *members))

    /** `SREM key member…`. */
    public fun srem(key: String, vararg members: String): CompletableFuture<Long> = send(SetCommands.srem(key, *members))

    /** `SMEMBERS key`. */
    public fun smembers(key: String): CompletableFuture<Set<String>> = send(SetCommands.smembers(key))

    /** `SISMEMBER key member`. */
    public fun sismember(key: String, member: String): CompletableFuture<Boolean> = send(SetCommands.sismember(key, member))

    /** `SCARD key`. */
    public fun scard(key: String): CompletableFuture<Long> = send(SetCommands.scard(key))

    /** `SINTER key…`. */
    public fun sinter(vararg keys: String): CompletableFuture<Set<String>> = send(SetCommands.sinter(*keys))

    /** `SUNION key…`. */
    public fun sunion(vararg keys: String): CompletableFuture<Set<String>> = send(SetCommands.sunion(*keys))

    /** `SDIFF key…`. */
    public fun sdiff(vararg keys: String): CompletableFuture<Set<String>> = send(SetCommands.sdiff(*keys))

    /** `SPOP key`. */
    public fun spop(key: String): CompletableFuture<String?> = send(SetCommands.spop(key))

    /** `SPOP key count`. */
    public fun spop(key: String, count: Int): CompletableFuture<Set<String>> = send(SetCommands.spop(key, count))

    /** `SRANDMEMBER key`. */
    public fun srandmember(key: String): CompletableFuture<String?> = send(SetCommands.srandmember(key))

    /** `SRANDMEMBER key count`. */
    public fun srandmember(key: String, count: Int): CompletableFuture<List<String>> = send(SetCommands.srandmember(key, count))

    /** One `SSCAN` page from [cursor] (`"0"` to start). See [FutureScanCommands.sscan]. */
    public fun sscanPage(key: String, cursor: String, match: String?, count: Int?): CompletableFuture<ScanPage> =
        send(SetCommands.sscan(key, cursor, match, count))
}
