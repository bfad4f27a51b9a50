package io.hivepool.benchmarks.load

import redis.clients.jedis.Jedis
import java.util.concurrent.ThreadLocalRandom

/**
 * The data every client reads: [size] keys named as redis-benchmark's `-r` names them (`key:` + 12 digits),
 * so its GET run hits the same keys, each holding a [valueSize]-byte value.
 */
class Keyspace(val size: Int = 10_000, val valueSize: Int = 64) {
    private val keys = Array(size) { "key:" + it.toString().padStart(12, '0') }

    /** A uniformly random key; safe from any thread. */
    fun randomKey(): String = keys[ThreadLocalRandom.current().nextInt(size)]

    /** Writes every key (pipelined, over one Jedis connection; on a cluster, one by one through JedisCluster) and checks the count. Blocking. */
    fun preload(target: RedisTarget) {
        val value = ByteArray(valueSize) { 'v'.code.toByte() }
        if (target.isCluster) {
            ClusterClients.jedis(target, 1).use { cluster ->
                keys.forEach { cluster.set(it.toByteArray(), value) }
                val missing = keys.count { !cluster.exists(it) }
                check(missing == 0) { "preload left $missing of $size keys missing on the cluster at ${target.seeds}" }
            }
            return
        }
        Jedis(target.javaUri).use { jedis ->
            val pipeline = jedis.pipelined()
            keys.forEach { pipeline.set(it.toByteArray(), value) }
            pipeline.sync()
            val missing = size - jedis.exists(*keys)
            check(missing == 0L) { "preload left $missing of $size keys missing on ${target.uri}" }
        }
    }
}
