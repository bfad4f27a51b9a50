package io.hivepool.benchmarks.load

import io.lettuce.core.RedisClient
import io.lettuce.core.RedisURI
import io.lettuce.core.api.StatefulRedisConnection
import io.lettuce.core.support.ConnectionPoolSupport
import org.apache.commons.pool2.impl.GenericObjectPool
import org.apache.commons.pool2.impl.GenericObjectPoolConfig

/**
 * Lettuce with a commons-pool2 pool of P connections (`ConnectionPoolSupport`), C threads each borrowing a
 * connection for one synchronous GET: the blocking-pool way of using Lettuce.
 */
class LettuceCommonsPoolClient(target: RedisTarget, poolSize: Int) : BlockingClient() {
    override val name: String = "lettuce-commons-pool2"
    override val connections: Int = poolSize

    private val redis: RedisClient = RedisClient.create(RedisURI.create(target.uri))
    private val pool: GenericObjectPool<StatefulRedisConnection<String, String>> =
        ConnectionPoolSupport.createGenericObjectPool(
            { redis.connect() },
            GenericObjectPoolConfig<StatefulRedisConnection<String, String>>().apply {
                maxTotal = poolSize
                maxIdle = poolSize
                minIdle = poolSize
                jmxEnabled = false
            },
        )

    init {
        pool.addObjects(poolSize)
    }

    // the pool wraps connections so that close() gives them back
    override fun get(key: String): Any? = pool.borrowObject().use { it.sync().get(key) }

    override fun close() {
        pool.close()
        redis.shutdown()
    }
}
