package io.hivepool.redis

import io.hivepool.redis.internal.Replies
import kotlin.time.Duration

// Blocking commands. Each carries its block time in Command.blockFor, so the connection waits block time +
// commandTimeout for the reply before declaring it dead. As pool-level commands they run on an exclusive lease;
// a caller cancelled mid-wait gets its connection killed server-side and closed, never reused.
// A timeout of Duration.ZERO blocks forever (Redis's 0).

/** `BLPOP key… timeout`: (key, element) popped from the first non-empty list, or null on timeout. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.blpop(vararg keys: String, timeout: Duration): Pair<String, String>? =
    send(Command(listOf("BLPOP", *keys, seconds(timeout)), blockFor(timeout), ::keyAndElement))

/** `BRPOP key… timeout`: as [blpop], from the tail. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.brpop(vararg keys: String, timeout: Duration): Pair<String, String>? =
    send(Command(listOf("BRPOP", *keys, seconds(timeout)), blockFor(timeout), ::keyAndElement))

/** `BLMOVE source destination from to timeout`: the element moved, or null on timeout. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.blmove(source: String, destination: String, from: ListEnd, to: ListEnd, timeout: Duration): String? =
    send(Command(listOf("BLMOVE", source, destination, from.name, to.name, seconds(timeout)), blockFor(timeout), Replies::stringOrNull))

/** `BZPOPMIN key… timeout`: (key, lowest member) or null on timeout. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.bzpopmin(vararg keys: String, timeout: Duration): Pair<String, ScoredMember>? =
    send(Command(listOf("BZPOPMIN", *keys, seconds(timeout)), blockFor(timeout), ::keyAndMember))

/** `BZPOPMAX key… timeout`: (key, highest member) or null on timeout. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.bzpopmax(vararg keys: String, timeout: Duration): Pair<String, ScoredMember>? =
    send(Command(listOf("BZPOPMAX", *keys, seconds(timeout)), blockFor(timeout), ::keyAndMember))

/** `WAIT numreplicas timeout`: how many replicas acknowledged the writes so far. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.wait(replicas: Int, timeout: Duration): Long =
    send(Command(listOf("WAIT", replicas, timeout.inWholeMilliseconds), blockFor(timeout), Replies::long))

/** How long the server may hold the reply back: the timeout, or forever for 0. */
internal fun blockFor(timeout: Duration): Duration {
    require(!timeout.isNegative()) { "timeout must be >= 0, was $timeout" }
    return if (timeout == Duration.ZERO) Duration.INFINITE else timeout
}

/** Redis takes blocking timeouts in (fractional) seconds. */
private fun seconds(timeout: Duration): String {
    require(!timeout.isNegative()) { "timeout must be >= 0, was $timeout" }
    val ms = timeout.inWholeMilliseconds
    return "${ms / 1000}.${(ms % 1000).toString().padStart(3, '0')}"
}

private fun keyAndElement(v: RespValue): Pair<String, String>? {
    if (v == RespValue.Null) return null
    val e = Replies.strings(v)
    if (e.size != 2) Replies.unexpected(v, "[key, element]")
    return e[0] to e[1]
}

private fun keyAndMember(v: RespValue): Pair<String, ScoredMember>? {
    if (v == RespValue.Null) return null
    val e = Replies.elements(v)
    if (e.size != 3) Replies.unexpected(v, "[key, member, score]")
    return Replies.string(e[0]) to ScoredMember(Replies.string(e[1]), Replies.double(e[2]))
}
