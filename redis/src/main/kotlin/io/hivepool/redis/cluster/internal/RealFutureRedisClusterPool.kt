package io.hivepool.redis.cluster.internal

import io.hivepool.pool.PoolStats
import io.hivepool.redis.FutureRedisBatch
import io.hivepool.redis.cluster.FutureRedisClusterPool
import io.hivepool.redis.cluster.RedisClusterPool
import io.hivepool.redis.internal.FutureBatch
import io.hivepool.redis.internal.FutureCommands
import io.hivepool.redis.internal.start
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import java.util.concurrent.CompletableFuture
import java.util.function.Consumer

/** The Java face of the cluster client: the single-server command futures over the router, and no logic of its own. */
internal class RealFutureRedisClusterPool(override val clusterPool: RedisClusterPool) : FutureRedisClusterPool,
    FutureCommands(clusterPool, CoroutineScope(SupervisorJob() + Dispatchers.Default)) {

    override fun pipeline(block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>> =
        scope.start { clusterPool.pipeline { block.accept(FutureBatch(this)) } }

    override fun transaction(hashKey: String, block: Consumer<FutureRedisBatch>): CompletableFuture<List<Any?>?> =
        scope.start { clusterPool.transaction(hashKey) { multi { block.accept(FutureBatch(this)) } } }

    override fun nodeStats(): Map<String, PoolStats> = clusterPool.nodeStats()

    override fun close() {
        clusterPool.close()
        scope.cancel()
    }
}
