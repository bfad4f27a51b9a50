package io.hivepool.benchmarks.load

import io.hivepool.redis.cluster.RedisClusterPool
import io.hivepool.redis.cluster.redisCluster
import io.hivepool.redis.get
import io.lettuce.core.RedisURI
import io.lettuce.core.cluster.RedisClusterClient
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import org.apache.commons.pool2.impl.GenericObjectPoolConfig
import redis.clients.jedis.Connection
import redis.clients.jedis.DefaultJedisClientConfig
import redis.clients.jedis.HostAndPort
import redis.clients.jedis.JedisCluster
import java.net.URI

/**
 * The clients of `--target cluster`, each against the same Redis Cluster (keys spread over every slot, so over
 * every primary), same load shape as the single-server clients:
 *
 * - `hivepool-cluster-pool`: C coroutines, each `cluster.get(key)`: pool-level, multiplexed over each node's shared
 *   connections (`redisCluster { maxSizePerNode = P }`).
 * - `hivepool-cluster-lease`: C coroutines, each `cluster.use(key) { it.get(key) }`: an exclusive lease on the
 *   primary of the key's slot per GET (P per node, all opened up front).
 * - `lettuce-cluster`: Lettuce's `RedisClusterClient`, one shared stateful cluster connection (one socket per node),
 *   async API; C coroutines each awaiting its future, as `lettuce-shared` does.
 * - `jedis-cluster`: `JedisCluster` with a pool of P connections per node; C threads, one borrow per GET.
 *
 * `pool` in the JSON line counts connections over all nodes (P × primaries for the pooling clients).
 */
object ClusterClients {
    val factories: Map<String, ClientFactory> = linkedMapOf(
        "hivepool-cluster-pool" to ClientFactory { target, options -> HivepoolClusterPoolClient(target, options.poolSize) },
        "hivepool-cluster-lease" to ClientFactory { target, options -> HivepoolClusterLeaseClient(target, options.poolSize) },
        "lettuce-cluster" to ClientFactory { target, _ -> LettuceClusterClient(target) },
        "jedis-cluster" to ClientFactory { target, options -> JedisClusterClient(target, options.poolSize) },
    )

    /** A Hivepool cluster client on [target] with [maxSizePerNode] connections per node; the topology is read here. */
    internal fun hivepool(target: RedisTarget, maxSizePerNode: Int, minIdle: Int): RedisClusterPool {
        val shared = HivepoolClients.sharedConnections
        val cluster = redisCluster {
            seeds = target.seeds
            this.maxSizePerNode = maxSizePerNode
            name = "bench-cluster"
            node {
                this.minIdle = minIdle
                shared?.let { sharedConnections = it.coerceIn(1, maxOf(1, maxSizePerNode - 1)) }
            }
        }
        runBlocking { cluster.refreshTopology() }
        return cluster
    }

    /** A JedisCluster on [target]'s seeds with a pool of [poolSize] connections per node. */
    fun jedis(target: RedisTarget, poolSize: Int): JedisCluster {
        val uri = target.javaUri
        val config = DefaultJedisClientConfig.builder().apply {
            target.user?.let { user(it) }
            target.password?.let { password(it) }
        }.build()
        val pool = GenericObjectPoolConfig<Connection>().apply {
            maxTotal = poolSize
            maxIdle = poolSize
            minIdle = poolSize
            jmxEnabled = false
        }
        val seeds = target.seeds.map { URI.create(it) }.map { HostAndPort(it.host, if (it.port > 0) it.port else uri.port) }.toSet()
        return JedisCluster(seeds, config, MAX_ATTEMPTS, pool)
    }

    /** Every node of [target] (primaries and replicas), for INFO. */
    fun nodes(target: RedisTarget): List<URI> = jedis(target, 1).use { cluster ->
        val userInfo = target.javaUri.rawUserInfo?.let { "$it@" } ?: ""
        cluster.clusterNodes.keys.map { hostAndPort -> URI.create("${target.javaUri.scheme}://$userInfo$hostAndPort") }
    }

    private const val MAX_ATTEMPTS = 5
}

/** Pool-level GET on the cluster: `cluster.get(key)`, routed to the key's primary, over that node's shared connections. */
class HivepoolClusterPoolClient(target: RedisTarget, poolSize: Int) : SuspendingClient() {
    override val name: String = "hivepool-cluster-pool"
    private val cluster = ClusterClients.hivepool(target, poolSize, minIdle = 0)
    override val connections: Int = cluster.config.node.sharedConnections * cluster.primaries.size

    override suspend fun get(key: String): Any? = cluster.get(key)

    override fun close() = cluster.close()
}

/** A lease per GET on the primary of the key's slot: `cluster.use(key) { it.get(key) }`. */
class HivepoolClusterLeaseClient(target: RedisTarget, poolSize: Int) : SuspendingClient() {
    override val name: String = "hivepool-cluster-lease"
    private val cluster = ClusterClients.hivepool(target, poolSize, minIdle = poolSize)
    override val connections: Int = poolSize * cluster.primaries.size

    override suspend fun get(key: String): Any? = cluster.use(key) { it.get(key) }

    override fun close() = cluster.close()
}

/** Lettuce's cluster client on one shared stateful connection (a socket per node), async API. */
class LettuceClusterClient(target: RedisTarget) : SuspendingClient() {
    override val name: String = "lettuce-cluster"
    private val client: RedisClusterClient = RedisClusterClient.create(target.seeds.map { RedisURI.create(it) })
    private val connection: StatefulRedisClusterConnection<String, String> = client.connect()
    private val commands: RedisAdvancedClusterAsyncCommands<String, String> = connection.async()
    override val connections: Int = client.partitions.count { it.`is`(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.UPSTREAM) }

    override suspend fun get(key: String): Any? = commands.get(key).await()

    override fun close() {
        connection.close()
        client.shutdown()
    }
}

/** `JedisCluster` with P connections per node; C threads, each GET borrows from the key's node pool. */
class JedisClusterClient(target: RedisTarget, poolSize: Int) : BlockingClient() {
    override val name: String = "jedis-cluster"
    private val cluster = ClusterClients.jedis(target, poolSize)
    override val connections: Int = poolSize * cluster.clusterNodes.size

    override fun get(key: String): Any? = cluster.get(key)

    override fun close() = cluster.close()
}
