package io.hivepool.redis.internal

import io.hivepool.pool.PoolStats
import io.hivepool.redis.Command
import io.hivepool.redis.FutureRedisBatch
import io.hivepool.redis.FutureRedisConnection
import io.hivepool.redis.FutureRedisPool
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisBatch
import io.hivepool.redis.RedisPool
import io.hivepool.redis.RedisSubscription
import io.hivepool.redis.RedisTransaction
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.future.asCompletableFuture
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.function.Consumer
import java.util.function.Function

/** [FutureRedisBatch] over a Kotlin batch: each recorded command becomes the future of its Deferred. */
internal class FutureBatch(private val batch: RedisBatch) : FutureRedisBatch {
    override fun <R> queue(command: Command<R>): CompletableFuture<R> = batch.queue { send(command) }.asCompletableFuture()
}

/** A leased connection's Java face: every command through [send], no logic of its own. */
internal class FutureConnection(private val tx: RedisTransaction, private val scope: CoroutineScope) : FutureRedisConnection {
    // Sent here, the future completed from the reply in the reply's thread (no coroutine per command).
    override fun <R> send(command: Command<R>): CompletableFuture<R> {
        val conn = (tx as? RealTransaction)?.conn ?: return scope.start { tx.send(command) }
        val future = ReplyFuture(command, onDefault = false)
        try {
            conn.sendNow(command, future)
        } catch (e: Throwable) {
            future.completeExceptionally(e)
        }
        return future
    }

    override fun watch(vararg keys: String): CompletableFuture<Void?> = scope.start { tx.watch(*keys); null }
    override fun unwatch(): CompletableFuture<Void?> = scope.start { tx.unwatch(); null }
    override fun multi(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?> =
        scope.start { tx.multi { block.accept(FutureBatch(this)) } }
}

/**
 * The Java face: a thin delegate to [RedisPool]. Every call starts in the caller's thread (the command is queued
 * before the future is returned). Where its future completes depends on the shape of the call:
 * - pool-level commands ([send] and every typed method over it) complete on [Dispatchers.Default]: Java code
 *   chains its next command in the completion stage, and completing in the thread that read the reply would run
 *   every such chain on the one reader thread (measured: 0.68× the Kotlin client's throughput, against
 *   0.84–0.92× this way), and a stage that blocks would stall every connection;
 * - a lease ([withConnection], [transaction], [pipeline]) runs Unconfined, completing in the thread of the reply:
 *   its typical caller blocks in `join()`, and one hand-off less per command is what it gains (Default here cost
 *   the blocking shape a third of its throughput).
 * Subscriptions hand messages to their listener on [Dispatchers.Default]: a slow listener must not hold up the
 * connection's reader.
 */
internal class RealFutureRedisPool(override val redisPool: RedisPool) : FutureRedisPool {
    // Where calls run: no parent Job (see DetachedScope), internal for the spec that checks so.
    internal val scope = DetachedScope(Dispatchers.Unconfined)
    internal val commands = DetachedScope(Dispatchers.Default)
    // A failed subscription reports through its done future, not the default uncaught-exception handler.
    private val listeners = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineExceptionHandler { _, _ -> })

    override val stats: PoolStats get() = redisPool.stats

    // On a live shared connection the command is sent here and the future completed straight from its reply
    // (ReplyFuture); otherwise (connection being opened, an exclusive route, metrics on) through a coroutine.
    override fun <R> send(command: Command<R>): CompletableFuture<R> {
        val pool = redisPool as? RealRedisPool ?: return commands.start { redisPool.send(command) }
        val future = ReplyFuture(command)
        try {
            if (pool.trySendNow(command, future)) return future
        } catch (e: Throwable) {
            future.completeExceptionally(e)
            return future
        }
        return commands.start { redisPool.send(command) }
    }

    // Through RealRedisPool.transacting, inlined: one coroutine body for the call, the lease and the block.
    override fun <R> withConnection(block: Function<FutureRedisConnection, out CompletionStage<R>>): CompletableFuture<R> {
        val pool = redisPool as? RealRedisPool
            ?: return scope.start { redisPool.transaction { block.apply(FutureConnection(this, scope)).await() } }
        return scope.start { pool.transacting { tx -> block.apply(FutureConnection(tx, scope)).await() } }
    }

    override fun transaction(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?> {
        val pool = redisPool as? RealRedisPool
            ?: return scope.start { redisPool.transaction { multi { block.accept(FutureBatch(this)) } } }
        return scope.start { pool.transacting { tx -> tx.multi { block.accept(FutureBatch(this)) } } }
    }

    override fun pipeline(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>> =
        scope.start { redisPool.pipeline { block.accept(FutureBatch(this)) } }

    override fun subscribe(listener: Consumer<PubSubMessage>, vararg channels: String): RedisSubscription =
        listeners.listen(redisPool.subscribe(*channels), listener)

    override fun psubscribe(listener: Consumer<PubSubMessage>, vararg patterns: String): RedisSubscription =
        listeners.listen(redisPool.psubscribe(*patterns), listener)

    // The scope is not cancelled: that would complete futures in flight as cancelled though nobody cancelled
    // them. Closing the pool ends them all (PoolClosedException, or a connection error for a command in flight).
    override fun close() {
        redisPool.close()
    }
}

/**
 * Collects [messages] in this scope (the faces' listener scope, on Dispatchers.Default), handing each to [listener];
 * the subscription's done future completes when the collection ends, exceptionally when it failed.
 */
internal fun CoroutineScope.listen(messages: Flow<PubSubMessage>, listener: Consumer<PubSubMessage>): RedisSubscription {
    val done = CompletableFuture<Void?>()
    val collector = launch { messages.collect { listener.accept(it) } }
    collector.invokeOnCompletion { e -> if (e == null || e is CancellationException) done.complete(null) else done.completeExceptionally(e) }
    return JobSubscription(collector, done)
}

private class JobSubscription(private val collector: Job, override val done: CompletableFuture<Void?>) : RedisSubscription {
    override fun close() = collector.cancel()
}
