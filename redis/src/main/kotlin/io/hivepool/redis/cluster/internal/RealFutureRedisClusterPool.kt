package io.hivepool.redis.cluster.internal

import io.hivepool.pool.PoolStats
import io.hivepool.redis.Command
import io.hivepool.redis.FutureRedisBatch
import io.hivepool.redis.cluster.FutureRedisClusterPool
import io.hivepool.redis.cluster.RedisClusterPool
import io.hivepool.redis.internal.FutureBatch
import io.hivepool.redis.internal.start
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisSubscription
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import java.util.concurrent.CompletableFuture
import java.util.function.Consumer

/**
 * The Java face of the cluster client: every typed future of [io.hivepool.redis.FutureRedisCommands] goes through
 * [send] to the router; no logic of its own. Threads as the single-server face: started in the caller's thread;
 * pool-level commands complete on [Dispatchers.Default], pipelines and transactions in the thread of the reply.
 */
internal class RealFutureRedisClusterPool(override val clusterPool: RedisClusterPool) : FutureRedisClusterPool {
    private val job = SupervisorJob()
    private val scope = CoroutineScope(job + Dispatchers.Unconfined)
    private val commands = CoroutineScope(job + Dispatchers.Default)
    // Listeners run on Dispatchers.Default; a failed subscription reports through its done future only.
    private val listeners = CoroutineScope(job + Dispatchers.Default + CoroutineExceptionHandler { _, _ -> })

    override fun <R> send(command: Command<R>): CompletableFuture<R> = commands.start { clusterPool.send(command) }

    override fun pipeline(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>> =
        scope.start { clusterPool.pipeline { block.accept(FutureBatch(this)) } }

    override fun transaction(hashKey: String, block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?> =
        scope.start { clusterPool.transaction(hashKey) { multi { block.accept(FutureBatch(this)) } } }

    override fun nodeStats(): Map<String, PoolStats> = clusterPool.nodeStats()

    override fun stats(): PoolStats = clusterPool.stats

    override fun subscribe(listener: Consumer<PubSubMessage>, vararg channels: String): RedisSubscription =
        listen(clusterPool.subscribe(*channels), listener)

    override fun ssubscribe(listener: Consumer<PubSubMessage>, vararg channels: String): RedisSubscription =
        listen(clusterPool.ssubscribe(*channels), listener)

    private fun listen(messages: Flow<PubSubMessage>, listener: Consumer<PubSubMessage>): RedisSubscription {
        val done = CompletableFuture<Void?>()
        val collector = listeners.launch { messages.collect { listener.accept(it) } }
        collector.invokeOnCompletion { e -> if (e == null || e is CancellationException) done.complete(null) else done.completeExceptionally(e) }
        return object : RedisSubscription {
            override val done: CompletableFuture<Void?> = done

            override fun close() = collector.cancel()
        }
    }

    override fun close() {
        clusterPool.close()
        scope.cancel()
    }
}
