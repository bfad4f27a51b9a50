package io.hivepool.benchmarks.load

import io.lettuce.core.RedisClient
import io.lettuce.core.RedisURI
import io.lettuce.core.api.StatefulRedisConnection
import io.lettuce.core.api.async.RedisAsyncCommands
import kotlinx.coroutines.future.await

/**
 * Lettuce on one shared connection, its usual deployment: C coroutines each send GET through the async
 * API and suspend on the future; Lettuce pipelines their commands on the one socket.
 */
class LettuceSharedClient(target: RedisTarget) : SuspendingClient() {
    override val name: String = "lettuce-shared"
    override val connections: Int = 1

    private val redis: RedisClient = RedisClient.create(RedisURI.create(target.uri))
    private val connection: StatefulRedisConnection<String, String> = redis.connect()
    private val commands: RedisAsyncCommands<String, String> = connection.async()

    override suspend fun get(key: String): Any? = commands.get(key).await()

    override fun close() {
        connection.close()
        redis.shutdown()
    }
}
