package io.hivepool.redis

import io.hivepool.pool.PoolStats
import io.hivepool.redis.internal.Replies
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.function.Consumer
import java.util.function.Function

/**
 * Every typed command as a [CompletableFuture], for Java: the strings, keys, hashes, lists, sets, sorted sets,
 * streams, blocking, scripting, server, pub/sub and HyperLogLog faces, each a thin method over [send] and the
 * command's factory ([StringCommands], [KeyCommands], …). Options beyond the common forms:
 * `send(StringCommands.set(key, value, ttl, null, false, true, false))`.
 *
 * Cancelling a future cancels its command (a command already written has its reply dropped). On a pool, a
 * command's future completes on a pool worker (`Dispatchers.Default`), never on the connection's reader. On a
 * leased connection ([FutureRedisPool.withConnection]) it completes on the thread that read the reply, one hand-off
 * less: stages chained there without an executor must be short and never block (`join()`, `get()`); chain with
 * the `…Async(fn, executor)` variants when they must.
 */
public interface FutureRedisCommands :
    FutureStringCommands,
    FutureKeyCommands,
    FutureHashCommands,
    FutureListCommands,
    FutureSetCommands,
    FutureSortedSetCommands,
    FutureStreamCommands,
    FutureBlockingCommands,
    FutureScriptingCommands,
    FutureServerCommands,
    FuturePubSubCommands,
    FutureHyperLogLogCommands {
    /** Any command (a factory's, or [Command.of]), decoded by the command. The one primitive of every Java face. */
    override fun <R> send(command: Command<R>): CompletableFuture<R>

    /** Any command by its words, e.g. `execute("OBJECT", "ENCODING", "k")`, as the raw reply. */
    public fun execute(vararg args: String): CompletableFuture<RespValue> = send(Command(args.asList(), decode = Replies::raw))

    /** Any command by its words (String, byte[] or numbers), its reply decoded by [decode]: `execute(RespDecoders::asLong, "LLEN", "q")`. */
    public fun <R> execute(decode: Function<RespValue, R>, vararg args: Any): CompletableFuture<R> = send(Command.of(args.asList(), decode))
}

/**
 * Commands recorded for one flush, for Java pipelines and transactions ([FutureRedisPool.pipeline],
 * [FutureRedisConnection.multi]). Every typed method records its command, and its future completes after the
 * flush; [send] and [queue] are the same.
 */
public interface FutureRedisBatch : FutureRedisCommands {
    /** Records [command]; the future completes with its decoded reply after the flush. */
    public fun <R> queue(command: Command<R>): CompletableFuture<R>

    /** Records [command], as [queue]. */
    override fun <R> send(command: Command<R>): CompletableFuture<R> = queue(command)

    /** Records a command given by its words; the future completes with the raw reply. */
    public fun queue(vararg args: String): CompletableFuture<RespValue> = execute(*args)
}

/**
 * An exclusively leased connection, inside [FutureRedisPool.withConnection]. Do not keep it after the stage
 * completes. State-changing commands ([FutureServerCommands.select], WATCH, …) are fine here: the connection is
 * cleaned before anyone else gets it.
 */
public interface FutureRedisConnection : FutureRedisCommands, FutureScanCommands {
    /** `WATCH key…`. */
    public fun watch(vararg keys: String): CompletableFuture<Void?>

    /** `UNWATCH`. */
    public fun unwatch(): CompletableFuture<Void?>

    /** MULTI, the commands [block] queues, EXEC, in one flush: the replies, or null when a WATCHed key changed. */
    public fun multi(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?>
}

/**
 * The Java face of a [RedisPool] (`RedisPools.create(config)`): pool-level commands as futures, exclusive leases
 * with [withConnection], pipelines, transactions, pub/sub listeners and scans. Close it when done.
 */
public interface FutureRedisPool : FutureRedisCommands, FutureScanCommands, AutoCloseable {
    /** The coroutine pool underneath, for Kotlin code. */
    public val redisPool: RedisPool

    /** Gauges and counters of the pool. */
    public val stats: PoolStats

    /**
     * Leases a connection, runs [block] with it, and releases it when the returned stage completes (closing it
     * instead if the stage failed with a connection error or the future was cancelled). When the caller had to
     * wait for a connection, [block] runs in the thread that released it (often an I/O thread): chain stages in
     * it, never block in it.
     */
    public fun <R> withConnection(block: Function<FutureRedisConnection, out CompletionStage<R>>): CompletableFuture<R>

    /** MULTI, the commands [block] queues, EXEC on a leased connection: the replies in order. */
    public fun transaction(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?>

    /** The commands [block] queues in one flush: every reply in order (a failed one as its exception). */
    public fun pipeline(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>>

    /**
     * Subscribes to [channels] on a connection of its own and hands each message to [listener], in order, on one
     * pool thread at a time. [RedisSubscription.close] unsubscribes and returns the connection.
     */
    public fun subscribe(listener: Consumer<PubSubMessage>, vararg channels: String): RedisSubscription

    /** As [subscribe], for glob [patterns] (`PSUBSCRIBE`); messages carry the matching [PubSubMessage.pattern]. */
    public fun psubscribe(listener: Consumer<PubSubMessage>, vararg patterns: String): RedisSubscription

    /** Closes the pool without waiting for leased connections. */
    override fun close()
}

/** A running subscription of [FutureRedisPool.subscribe]. */
public interface RedisSubscription : AutoCloseable {
    /**
     * Completes when the subscription ends: normally after [close], exceptionally when the connection broke or the
     * listener threw (the exception), or the pool could not lend a connection.
     */
    public val done: CompletableFuture<Void?>

    /** Unsubscribes (RESET) and gives the connection back; idempotent, does not wait (see [done]). */
    override fun close()
}
