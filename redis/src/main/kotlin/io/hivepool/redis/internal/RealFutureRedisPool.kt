package io.hivepool.redis.internal

import io.hivepool.pool.PoolStats
import io.hivepool.redis.Command
import io.hivepool.redis.FutureRedisBatch
import io.hivepool.redis.FutureRedisCommands
import io.hivepool.redis.FutureRedisConnection
import io.hivepool.redis.FutureRedisPool
import io.hivepool.redis.RedisBatch
import io.hivepool.redis.RedisCommands
import io.hivepool.redis.RedisPool
import io.hivepool.redis.RespValue
import io.hivepool.redis.del
import io.hivepool.redis.execute
import io.hivepool.redis.exists
import io.hivepool.redis.expire
import io.hivepool.redis.get
import io.hivepool.redis.hget
import io.hivepool.redis.hgetAll
import io.hivepool.redis.hset
import io.hivepool.redis.incr
import io.hivepool.redis.lpush
import io.hivepool.redis.publish
import io.hivepool.redis.rpop
import io.hivepool.redis.set
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.future.asCompletableFuture
import kotlinx.coroutines.future.await
import kotlinx.coroutines.future.future
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.function.Consumer
import java.util.function.Function
import kotlin.time.toKotlinDuration

/** Starts [block] at once in the caller's thread (no hop before the command is queued); cancelling the future cancels it. */
internal fun <T> CoroutineScope.start(block: suspend CoroutineScope.() -> T): CompletableFuture<T> =
    future(start = CoroutineStart.UNDISPATCHED, block = block)

/** The common commands over any [RedisCommands], as futures. No logic: each is one delegating line. */
internal open class FutureCommands(private val target: RedisCommands, protected val scope: CoroutineScope) : FutureRedisCommands {
    override fun get(key: String): CompletableFuture<String?> = scope.start { target.get(key) }
    override fun set(key: String, value: String): CompletableFuture<Boolean> = scope.start { target.set(key, value) }
    override fun set(key: String, value: String, ttl: java.time.Duration): CompletableFuture<Boolean> =
        scope.start { target.set(key, value, expire = ttl.toKotlinDuration()) }
    override fun del(vararg keys: String): CompletableFuture<Long> = scope.start { target.del(*keys) }
    override fun exists(vararg keys: String): CompletableFuture<Long> = scope.start { target.exists(*keys) }
    override fun incr(key: String): CompletableFuture<Long> = scope.start { target.incr(key) }
    override fun expire(key: String, ttl: java.time.Duration): CompletableFuture<Boolean> =
        scope.start { target.expire(key, ttl.toKotlinDuration()) }
    override fun hget(key: String, field: String): CompletableFuture<String?> = scope.start { target.hget(key, field) }
    override fun hset(key: String, field: String, value: String): CompletableFuture<Long> = scope.start { target.hset(key, field, value) }
    override fun hgetAll(key: String): CompletableFuture<Map<String, String>> = scope.start { target.hgetAll(key) }
    override fun lpush(key: String, vararg values: String): CompletableFuture<Long> = scope.start { target.lpush(key, *values) }
    override fun rpop(key: String): CompletableFuture<String?> = scope.start { target.rpop(key) }
    override fun publish(channel: String, message: String): CompletableFuture<Long> = scope.start { target.publish(channel, message) }
    override fun <R> send(command: Command<R>): CompletableFuture<R> = scope.start { target.send(command) }
    override fun execute(vararg args: String): CompletableFuture<RespValue> = scope.start { target.execute(*args) }
}

/** [FutureRedisBatch] over a Kotlin batch: each queued command becomes the future of its Deferred. */
internal class FutureBatch(private val batch: RedisBatch) : FutureRedisBatch {
    override fun <R> queue(command: Command<R>): CompletableFuture<R> = batch.queue { send(command) }.asCompletableFuture()
    override fun queue(vararg args: String): CompletableFuture<RespValue> = batch.queue { execute(*args) }.asCompletableFuture()
}

internal class FutureConnection(private val tx: RealTransaction, scope: CoroutineScope) :
    FutureCommands(tx, scope), FutureRedisConnection {
    override fun watch(vararg keys: String): CompletableFuture<Void?> = scope.start { tx.watch(*keys); null }
    override fun multi(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?> =
        scope.start { tx.multi { block.accept(FutureBatch(this)) } }
}

/** The Java face: a thin delegate to [RedisPool]. */
internal class RealFutureRedisPool(override val redisPool: RedisPool) : FutureRedisPool,
    FutureCommands(redisPool, CoroutineScope(SupervisorJob() + Dispatchers.Default)) {
    override val stats: PoolStats get() = redisPool.stats

    override fun <R> withConnection(block: Function<FutureRedisConnection, out CompletionStage<R>>): CompletableFuture<R> =
        scope.start { redisPool.transaction { block.apply(FutureConnection(this as RealTransaction, scope)).await() } }

    override fun transaction(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?> =
        scope.start { redisPool.transaction { multi { block.accept(FutureBatch(this)) } } }

    override fun pipeline(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>> =
        scope.start { redisPool.pipeline { block.accept(FutureBatch(this)) } }

    // The scope is not cancelled: that would complete futures in flight as cancelled though nobody cancelled
    // them. Closing the pool ends them all (PoolClosedException, or a connection error for a command in flight).
    override fun close() {
        redisPool.close()
    }
}
