package io.hivepool.redis

import io.hivepool.pool.PoolStats
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.function.Consumer
import java.util.function.Function

/**
 * The common commands as [CompletableFuture]s, for Java. Every future is completed on a pool thread, never
 * blocks the caller, and cancelling it cancels the command (a command already written has its reply dropped).
 * Anything not listed goes through [send] or [execute].
 */
public interface FutureRedisCommands {
    /** `GET key`: the value or null. */
    public fun get(key: String): CompletableFuture<String?>

    /** `SET key value`: true when written. */
    public fun set(key: String, value: String): CompletableFuture<Boolean>

    /** `SET key value PX ttl`. */
    public fun set(key: String, value: String, ttl: java.time.Duration): CompletableFuture<Boolean>

    /** `DEL key…`: how many were removed. */
    public fun del(vararg keys: String): CompletableFuture<Long>

    /** `EXISTS key…`: how many exist. */
    public fun exists(vararg keys: String): CompletableFuture<Long>

    /** `INCR key`: the new value. */
    public fun incr(key: String): CompletableFuture<Long>

    /** `EXPIRE`/`PEXPIRE key ttl`: false when the key does not exist. */
    public fun expire(key: String, ttl: java.time.Duration): CompletableFuture<Boolean>

    /** `HGET key field`. */
    public fun hget(key: String, field: String): CompletableFuture<String?>

    /** `HSET key field value`: 1 when the field is new. */
    public fun hset(key: String, field: String, value: String): CompletableFuture<Long>

    /** `HGETALL key`. */
    public fun hgetAll(key: String): CompletableFuture<Map<String, String>>

    /** `LPUSH key value…`: the new length. */
    public fun lpush(key: String, vararg values: String): CompletableFuture<Long>

    /** `RPOP key`: the last element or null. */
    public fun rpop(key: String): CompletableFuture<String?>

    /** `PUBLISH channel message`: how many subscribers got it. */
    public fun publish(channel: String, message: String): CompletableFuture<Long>

    /** Any command ([RedisPools.command] builds one), decoded by the command. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** Any command by its words, e.g. `execute("OBJECT", "ENCODING", "k")`, as the raw reply. */
    public fun execute(vararg args: String): CompletableFuture<RespValue>
}

/** Commands recorded for one flush, for Java pipelines and transactions ([FutureRedisPool.pipeline]). */
public interface FutureRedisBatch {
    /** Records [command]; the future completes with its decoded reply after the flush. */
    public fun <R> queue(command: Command<R>): CompletableFuture<R>

    /** Records a command given by its words; the future completes with the raw reply. */
    public fun queue(vararg args: String): CompletableFuture<RespValue>
}

/** An exclusively leased connection, inside [FutureRedisPool.withConnection]. Do not keep it after the stage completes. */
public interface FutureRedisConnection : FutureRedisCommands {
    /** `WATCH key…`. */
    public fun watch(vararg keys: String): CompletableFuture<Void?>

    /** MULTI, the commands [block] queues, EXEC, in one flush: the replies, or null when a WATCHed key changed. */
    public fun multi(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?>
}

/**
 * The Java face of a [RedisPool] (`RedisPools.create(config)`): pool-level commands as futures, exclusive leases
 * with [withConnection], pipelines and transactions. Close it when done.
 */
public interface FutureRedisPool : FutureRedisCommands, AutoCloseable {
    /** The coroutine pool underneath, for Kotlin code. */
    public val redisPool: RedisPool

    /** Gauges and counters of the pool. */
    public val stats: PoolStats

    /**
     * Leases a connection, runs [block] with it, and releases it when the returned stage completes (closing it
     * instead if the stage failed with a connection error or the future was cancelled).
     */
    public fun <R> withConnection(block: Function<FutureRedisConnection, out CompletionStage<R>>): CompletableFuture<R>

    /** MULTI, the commands [block] queues, EXEC on a leased connection: the replies in order. */
    public fun transaction(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?>

    /** The commands [block] queues in one flush: every reply in order (a failed one as its exception). */
    public fun pipeline(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>>

    /** Closes the pool without waiting for leased connections. */
    override fun close()
}
