package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import io.hivepool.redis.internal.Replies
import java.security.MessageDigest
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException

/** A Lua script and its SHA1, for [eval] with EVALSHA and automatic loading. */
public class RedisScript(public val source: String) {
    /** The script's SHA1 in lower-case hex, as SCRIPT LOAD reports it. */
    public val sha1: String = MessageDigest.getInstance("SHA-1").digest(source.encodeToByteArray())
        .joinToString("") { "%02x".format(it) }

    override fun toString(): String = "RedisScript($sha1)"
}

/**
 * The scripting commands, as values (see [StringCommands] for how the faces use them). Script results can be any
 * RESP value, so they come back raw as [RespValue].
 */
public object ScriptingCommands {
    /** `EVAL script numkeys key… arg…`. */
    @JvmStatic
    @JvmOverloads
    public fun eval(script: String, keys: List<String> = emptyList(), args: List<Any> = emptyList()): Command<RespValue> =
        Command(scriptArgs("EVAL", script, keys, args), decode = Decoders.raw)

    /** `EVALSHA sha1 numkeys key… arg…`; a [RedisServerException] with code NOSCRIPT when the server does not know it. */
    @JvmStatic
    @JvmOverloads
    public fun evalSha(sha1: String, keys: List<String> = emptyList(), args: List<Any> = emptyList()): Command<RespValue> =
        Command(scriptArgs("EVALSHA", sha1, keys, args), decode = Decoders.raw)

    /** `SCRIPT LOAD script`: its SHA1. */
    @JvmStatic
    public fun scriptLoad(script: String): Command<String> = Command(listOf("SCRIPT", "LOAD", script), decode = Decoders.string)

    /** `SCRIPT EXISTS sha1…`: whether each is cached. */
    @JvmStatic
    public fun scriptExists(vararg sha1s: String): Command<List<Boolean>> =
        Command(listOf("SCRIPT", "EXISTS", *sha1s)) { r -> Replies.elements(r).map(Decoders.boolean) }

    /** `SCRIPT FLUSH`: empties the script cache. */
    @JvmStatic
    public fun scriptFlush(): Command<Void?> = Command(listOf("SCRIPT", "FLUSH"), decode = Decoders.ok)

    private fun scriptArgs(verb: String, script: String, keys: List<String>, args: List<Any>): List<Any> =
        ArrayList<Any>(3 + keys.size + args.size).apply {
            add(verb); add(script); add(keys.size)
            addAll(keys)
            addAll(args)
        }
}

// The Kotlin face: one round trip through RedisCommands.send each (eval of a RedisScript: up to three), cancellable.

/** `EVAL script numkeys key… arg…`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.eval(script: String, keys: List<String> = emptyList(), args: List<Any> = emptyList()): RespValue =
    send(ScriptingCommands.eval(script, keys, args))

/** `EVALSHA sha1 numkeys key… arg…`; a [RedisServerException] with code NOSCRIPT when the server does not know it. */
public suspend fun RedisCommands.evalSha(sha1: String, keys: List<String> = emptyList(), args: List<Any> = emptyList()): RespValue =
    send(ScriptingCommands.evalSha(sha1, keys, args))

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
public suspend fun RedisCommands.scriptLoad(script: String): String = send(ScriptingCommands.scriptLoad(script))

/** `SCRIPT EXISTS sha1…`: whether each is cached. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.scriptExists(vararg sha1s: String): List<Boolean> = send(ScriptingCommands.scriptExists(*sha1s))

/** `SCRIPT FLUSH`: empties the script cache. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.scriptFlush() { send(ScriptingCommands.scriptFlush()) }

/** The Java face of [ScriptingCommands] (see [FutureStringCommands]). */
public interface FutureScriptingCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `EVAL script numkeys key… arg…`. */
    public fun eval(script: String, keys: List<String>, args: List<Any>): CompletableFuture<RespValue> = send(ScriptingCommands.eval(script, keys, args))

    /** `EVALSHA sha1 numkeys key… arg…`. */
    public fun evalSha(sha1: String, keys: List<String>, args: List<Any>): CompletableFuture<RespValue> =
        send(ScriptingCommands.evalSha(sha1, keys, args))

    /**
     * [script] by EVALSHA, loading it (SCRIPT LOAD) and retrying once on NOSCRIPT. The retry is sent after the
     * first reply, so inside a pipeline or transaction load the script first ([scriptLoad]).
     */
    public fun eval(script: RedisScript, keys: List<String>, args: List<Any>): CompletableFuture<RespValue> =
        evalSha(script.sha1, keys, args).handle { value, error ->
            val cause = (error as? CompletionException)?.cause ?: error
            when {
                cause == null -> CompletableFuture.completedFuture(value)
                cause is RedisServerException && cause.code == "NOSCRIPT" ->
                    scriptLoad(script.source).thenCompose { evalSha(script.sha1, keys, args) }
                else -> CompletableFuture.failedFuture(cause)
            }
        }.thenCompose { it }

    /** `SCRIPT LOAD script`. */
    public fun scriptLoad(script: String): CompletableFuture<String> = send(ScriptingCommands.scriptLoad(script))

    /** `SCRIPT EXISTS sha1…`. */
    public fun scriptExists(vararg sha1s: String): CompletableFuture<List<Boolean>> = send(ScriptingCommands.scriptExists(*sha1s))

    /** `SCRIPT FLUSH`. */
    public fun scriptFlush(): CompletableFuture<Void?> = send(ScriptingCommands.scriptFlush())
}
