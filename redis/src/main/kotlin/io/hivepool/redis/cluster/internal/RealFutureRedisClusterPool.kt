package io.hivepool.redis.cluster.internal

import io.hivepool.pool.PoolStats
import io.hivepool.redis.Command
import io.hivepool.redis.FutureRedisBatch
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisSubscription
import io.hivepool.redis.cluster.FutureRedisClusterPool
import io.hivepool.redis.cluster.RedisClusterPool
import io.hivepool.redis.internal.DetachedScope
import io.hivepool.redis.internal.FutureBatch
import io.hivepool.redis.internal.listen
import io.hivepool.redis.internal.start
import java.util.concurrent.CompletableFuture
import java.util.function.Consumer
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob

/**
 * The Java face of the cluster client: every typed future of [io.hivepool.redis.FutureRedisCommands] goes through
 * [send] to the router; no logic of its own. Threads as the single-server face: started in the caller's thread;
 * pool-level commands complete on [Dispatchers.Default], pipelines and transactions in the thread of the reply.
 */
internal class RealFutureRedisClusterPool(override val clusterPool: RedisClusterPool) : FutureRedisClusterPool {
    private val scope = DetachedScope(Dispatchers.Unconfined)
    private val commands = DetachedScope(Dispatchers.Default)
    // Listeners run on Dispatchers.Default; a failed subscription reports through its done future only.
    private val listeners = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineExceptionHandler { _, _ -> })

    override fun <R> send(command: Command<R>): CompletableFuture<R> = commands.start { clusterPool.send(command) }

    override fun pipeline(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>> =
        scope.start { clusterPool.pipeline { block.accept(FutureBatch(this)) } }

    override fun transaction(hashKey: String, block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?> =
        scope.start { clusterPool.transaction(hashKey) { multi { block.accept(FutureBatch(this)) } } }

    override fun nodeStats(): Map<String, PoolStats> = clusterPool.nodeStats()

    override fun stats(): PoolStats = clusterPool.stats

    override fun subscribe(listener: Consumer<PubSubMessage>, vararg channels: String): RedisSubscription =
        listeners.listen(clusterPool.subscribe(*channels), listener)

    override fun ssubscribe(listener: Consumer<PubSubMessage>, vararg channels: String): RedisSubscription =
        listeners.listen(clusterPool.ssubscribe(*channels), listener)

    // The scope is not cancelled: that would complete futures in flight as cancelled though nobody cancelled
    // them. Closing the cluster ends them (PoolClosedException, or a connection error for a command in flight).
    override fun close() {
        clusterPool.close()
    }
}
