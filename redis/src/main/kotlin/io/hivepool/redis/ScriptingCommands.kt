package io.hivepool.redis

import io.hivepool.redis.internal.Replies
import java.security.MessageDigest

// Lua scripting. Script results can be any RESP value, so they come back raw as RespValue.

/** A Lua script and its SHA1, for [eval] with EVALSHA and automatic loading. */
public class RedisScript(public val source: String) {
    /** The script's SHA1 in lower-case hex, as SCRIPT LOAD reports it. */
    public val sha1: String = MessageDigest.getInstance("SHA-1").digest(source.encodeToByteArray())
        .joinToString("") { "%02x".format(it) }

    override fun toString(): String = "RedisScript($sha1)"
}

/** `EVAL script numkeys key… arg…`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.eval(script: String, keys: List<String> = emptyList(), args: List<Any> = emptyList()): RespValue =
    send(Command(scriptArgs("EVAL", script, keys, args)) { it })

/** `EVALSHA sha1 numkeys key… arg…`; a [RedisServerException] with code NOSCRIPT when the server does not know it. */
public suspend fun RedisCommands.evalSha(sha1: String, keys: List<String> = emptyList(), args: List<Any> = emptyList()): RespValue =
    send(Command(scriptArgs("EVALSHA", sha1, keys, args)) { it })

/**
 * Runs [script] by its SHA1 (`EVALSHA`); when the server does not have it (NOSCRIPT, e.g. after a restart or
 * SCRIPT FLUSH) loads it with `SCRIPT LOAD` and retries once. Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.eval(script: RedisScript, keys: List<String> = emptyList(), args: List<Any> = emptyList()): RespValue =
    try {
        evalSha(script.sha1, keys, args)
    } catch (e: RedisServerException) {
        if (e.code != "NOSCRIPT") throw e
        scriptLoad(script.source)
        evalSha(script.sha1, keys, args)
    }

/** `SCRIPT LOAD script`: its SHA1. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.scriptLoad(script: String): String = send(Command(listOf("SCRIPT", "LOAD", script), decode = Replies::string))

/** `SCRIPT EXISTS sha1…`: whether each is cached. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.scriptExists(vararg sha1s: String): List<Boolean> =
    send(Command(listOf("SCRIPT", "EXISTS", *sha1s)) { r -> Replies.elements(r).map(Replies::boolean) })

/** `SCRIPT FLUSH`: empties the script cache. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.scriptFlush(): Unit = send(Command(listOf("SCRIPT", "FLUSH"), decode = Replies::unit))

private fun scriptArgs(verb: String, script: String, keys: List<String>, args: List<Any>): List<Any> =
    ArrayList<Any>(3 + keys.size + args.size).apply {
        add(verb); add(script); add(keys.size)
        addAll(keys)
        addAll(args)
    }
