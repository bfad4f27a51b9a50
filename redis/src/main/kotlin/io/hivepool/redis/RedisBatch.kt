package io.hivepool.redis

import kotlinx.coroutines.Deferred

/**
 * Commands recorded now and sent later in one flush (a pipeline, or the body of MULTI … EXEC).
 *
 * Typed commands cannot return before the flush, so they are queued through [queue]:
 * ```
 * pool.pipeline {
 *     queue { set("a", "1") }
 *     val a: Deferred<String?> = queue { get("a") }
 * }
 * ```
 * Calling a typed command directly on the batch from inside [queue] records it; that is the only way in.
 */
public interface RedisBatch : RedisCommands {
    /**
     * Runs [block] at once, up to its first command, which is recorded in order; the returned Deferred completes
     * with the block's result once the batch was flushed and the reply came. A block may send more commands
     * after its first reply (pipelines only: they go straight to the same connection, and the pipeline waits
     * for them); in `multi { }` a second command fails with IllegalStateException.
     */
    public fun <R> queue(block: suspend RedisCommands.() -> R): Deferred<R>
}

/** The receiver of [RedisPool.pipeline]. */
public interface RedisPipeline : RedisBatch

/**
 * The receiver of [RedisPool.transaction]: an exclusively leased connection (commands on it run at once) plus
 * WATCH and MULTI … EXEC.
 */
public interface RedisTransaction : RedisCommands {
    /** The leased connection the transaction runs on. */
    public val connection: RedisConnection

    /** True when the last [multi] was aborted because a WATCHed key changed (EXEC answered null). */
    public val aborted: Boolean

    /** `WATCH key…`: a later [multi] is aborted if any of them changes first. Cancellable as [RedisCommands.send]. */
    public suspend fun watch(vararg keys: String)

    /** `UNWATCH`. Cancellable as [RedisCommands.send]. */
    public suspend fun unwatch()

    /**
     * Sends MULTI, the commands [block] queues, and EXEC in one flush. Returns the replies in order (a command
     * that failed inside EXEC has its [RedisServerException] in its place, and its Deferred fails with it), or
     * null when EXEC was aborted by WATCH (the Deferreds then fail with [RedisTransactionAbortedException]).
     *
     * Cancellable; the connection is then closed by the enclosing transaction (its state is unknown).
     *
     * @throws RedisServerException MULTI was refused, or EXEC answered EXECABORT because a queued command was
     *   rejected (its message says which)
     */
    public suspend fun multi(block: RedisBatch.() -> Unit): List<Any?>?
}

/** A `multi { }` was aborted because a WATCHed key changed; retry it ([optimistic] does). */
public class RedisTransactionAbortedException(message: String) : RedisException(message)
