package io.hivepool.benchmarks.load

import redis.clients.jedis.JedisPool
import redis.clients.jedis.JedisPoolConfig

/** Jedis's own pool (commons-pool2 underneath) of P connections, C threads each borrowing one per GET. */
class JedisPoolClient(target: RedisTarget, poolSize: Int) : BlockingClient() {
    override val name: String = "jedis-pool"
    override val connections: Int = poolSize

    private val pool = JedisPool(
        JedisPoolConfig().apply {
            maxTotal = poolSize
            maxIdle = poolSize
            minIdle = poolSize
            jmxEnabled = false
        },
        target.javaUri,
    )

    init {
        pool.addObjects(poolSize)
    }

    override fun get(key: String): Any? = pool.resource.use { it.get(key) }

    override fun close() {
        pool.close()
    }
}
