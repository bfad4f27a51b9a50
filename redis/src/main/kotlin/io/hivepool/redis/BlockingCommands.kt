package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import io.hivepool.redis.internal.Replies
import java.util.concurrent.CompletableFuture
import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/** What a blocking pop took: the [key] it came from and the [value] (an element, or a [ScoredMember]). */
public data class Popped<out T>(val key: String, val value: T)

/**
 * The blocking commands, as values (see [StringCommands] for how the faces use them). Each carries its block
 * time in [Command.blockFor], so the connection waits block time + commandTimeout for the reply before declaring
 * it dead. As pool-level commands they run on an exclusive lease; a caller cancelled mid-wait gets its connection
 * killed server-side and closed, never reused. A timeout of zero blocks forever (Redis's 0).
 */
public object BlockingCommands {
    /** `BLPOP key… timeout`: the element popped from the first non-empty list, or null on timeout. */
    @JvmStatic
    public fun blpop(timeout: java.time.Duration, vararg keys: String): Command<Popped<String>?> =
        Command(listOf("BLPOP", *keys, seconds(timeout)), blockFor(timeout), ::keyAndElement)

    /** `BRPOP key… timeout`: as [blpop], from the tail. */
    @JvmStatic
    public fun brpop(timeout: java.time.Duration, vararg keys: String): Command<Popped<String>?> =
        Command(listOf("BRPOP", *keys, seconds(timeout)), blockFor(timeout), ::keyAndElement)

    /** `BLMOVE source destination from to timeout`: the element moved, or null on timeout. */
    @JvmStatic
    public fun blmove(source: String, destination: String, from: ListEnd, to: ListEnd, timeout: java.time.Duration): Command<String?> =
        Command(listOf("BLMOVE", source, destination, from.name, to.name, seconds(timeout)), blockFor(timeout), Decoders.stringOrNull)

    /** `BZPOPMIN key… timeout`: the lowest member of the first non-empty set, or null on timeout. */
    @JvmStatic
    public fun bzpopmin(timeout: java.time.Duration, vararg keys: String): Command<Popped<ScoredMember>?> =
        Command(listOf("BZPOPMIN", *keys, seconds(timeout)), blockFor(timeout), ::keyAndMember)

    /** `BZPOPMAX key… timeout`: the highest member of the first non-empty set, or null on timeout. */
    @JvmStatic
    public fun bzpopmax(timeout: java.time.Duration, vararg keys: String): Command<Popped<ScoredMember>?> =
        Command(listOf("BZPOPMAX", *keys, seconds(timeout)), blockFor(timeout), ::keyAndMember)

    /** `WAIT numreplicas timeout`: how many replicas acknowledged the writes so far. */
    @JvmStatic
    public fun wait(replicas: Int, timeout: java.time.Duration): Command<Long> =
        Command(listOf("WAIT", replicas, timeout.toMillis()), blockFor(timeout), Decoders.long)
}

/** How long the server may hold the reply back: the timeout, or forever for 0. */
@JvmSynthetic // top-level internal functions are public static methods to Java
internal fun blockFor(timeout: java.time.Duration): Duration {
    require(!timeout.isNegative) { "timeout must be >= 0, was ${timeout.toKotlinDuration()}" }
    return if (timeout.isZero) Duration.INFINITE else timeout.toKotlinDuration()
}

/** Redis takes blocking timeouts in (fractional) seconds. */
private fun seconds(timeout: java.time.Duration): String {
    require(!timeout.isNegative) { "timeout must be >= 0, was ${timeout.toKotlinDuration()}" }
    val ms = timeout.toMillis()
    return "${ms / 1000}.${(ms % 1000).toString().padStart(3, '0')}"
}

private fun keyAndElement(v: RespValue): Popped<String>? {
    if (v == RespValue.Null) return null
    val e = Replies.strings(v)
    if (e.size != 2) Replies.unexpected(v, "[key, element]")
    return Popped(e[0], e[1])
}

private fun keyAndMember(v: RespValue): Popped<ScoredMember>? {
    if (v == RespValue.Null) return null
    val e = Replies.elements(v)
    if (e.size != 3) Replies.unexpected(v, "[key, member, score]")
    return Popped(Replies.string(e[0]), ScoredMember(Replies.string(e[1]), Replies.double(e[2])))
}

// The Kotlin face: one round trip through RedisCommands.send each, cancellable as it is.

/** `BLPOP key… timeout`: (key, element) popped from the first non-empty list, or null on timeout. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.blpop(vararg keys: String, timeout: Duration): Popped<String>? =
    send(BlockingCommands.blpop(timeout.toJavaDuration(), *keys))

/** `BRPOP key… timeout`: as [blpop], from the tail. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.brpop(vararg keys: String, timeout: Duration): Popped<String>? =
    send(BlockingCommands.brpop(timeout.toJavaDuration(), *keys))

/** `BLMOVE source destination from to timeout`: the element moved, or null on timeout. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.blmove(source: String, destination: String, from: ListEnd, to: ListEnd, timeout: Duration): String? =
    send(BlockingCommands.blmove(source, destination, from, to, timeout.toJavaDuration()))

/** `BZPOPMIN key… timeout`: (key, lowest member) or null on timeout. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.bzpopmin(vararg keys: String, timeout: Duration): Popped<ScoredMember>? =
    send(BlockingCommands.bzpopmin(timeout.toJavaDuration(), *keys))

/** `BZPOPMAX key… timeout`: (key, highest member) or null on timeout. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.bzpopmax(vararg keys: String, timeout: Duration): Popped<ScoredMember>? =
    send(BlockingCommands.bzpopmax(timeout.toJavaDuration(), *keys))

/** `WAIT numreplicas timeout`: how many replicas acknowledged the writes so far. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.wait(replicas: Int, timeout: Duration): Long = send(BlockingCommands.wait(replicas, timeout.toJavaDuration()))

/**
 * The Java face of [BlockingCommands] (see [FutureStringCommands]). On the pool each takes an exclusive lease for
 * its wait; cancelling the future kills the wait server-side and closes that connection.
 */
public interface FutureBlockingCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `BLPOP key… timeout` (zero = forever): the popped element, or null on timeout. */
    public fun blpop(timeout: java.time.Duration, vararg keys: String): CompletableFuture<Popped<String>?> =
        send(BlockingCommands.blpop(timeout, *keys))

    /** `BRPOP key… timeout`. */
    public fun brpop(timeout: java.time.Duration, vararg keys: String): CompletableFuture<Popped<String>?> =
        send(BlockingCommands.brpop(timeout, *keys))

    /** `BLMOVE source destination from to timeout`. */
    public fun blmove(source: String, destination: String, from: ListEnd, to: ListEnd, timeout: java.time.Duration): CompletableFuture<String?> =
        send(BlockingCommands.blmove(source, destination, from, to, timeout))

    /** `BZPOPMIN key… timeout`. */
    public fun bzpopmin(timeout: java.time.Duration, vararg keys: String): CompletableFuture<Popped<ScoredMember>?> =
        send(BlockingCommands.bzpopmin(timeout, *keys))

    /** `BZPOPMAX key… timeout`. */
    public fun bzpopmax(timeout: java.time.Duration, vararg keys: String): CompletableFuture<Popped<ScoredMember>?> =
        send(BlockingCommands.bzpopmax(timeout, *keys))

    /** `WAIT numreplicas timeout`. */
    public fun waitReplicas(replicas: Int, timeout: java.time.Duration): CompletableFuture<Long> = send(BlockingCommands.wait(replicas, timeout))
}
