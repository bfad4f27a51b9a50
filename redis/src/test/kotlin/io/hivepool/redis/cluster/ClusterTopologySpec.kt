package io.hivepool.redis.cluster

import io.hivepool.redis.cluster.internal.RealRedisClusterPool
import io.hivepool.redis.pool.callsOf
import io.hivepool.testing.RedisCluster
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/**
 * The topology read on whatever server the fixture runs (the embedded 6.2 in CI, which has no CLUSTER SHARDS):
 * the client asks CLUSTER SHARDS, and falls back to CLUSTER SLOTS when the server does not know it.
 * SystemRedisClusterTopologySpec covers Redis 7 explicitly.
 */
class ClusterTopologySpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3; replicasPerPrimary = 1 }
    val client = redisCluster { seeds = listOf(cluster.seeds.first()); maxSizePerNode = 2; name = "topology" }
    afterSpec {
        client.close()
        cluster.close()
    }

    fun port(node: String) = node.substringAfterLast(':').toInt()

    test("the slot map, primaries and replicas, is read with CLUSTER SHARDS where the server has it, else CLUSTER SLOTS") {
        val real = client as RealRedisClusterPool
        cluster.awaitReplicasOnline()
        client.refreshTopology()
        client.primaries.map(::port) shouldBe cluster.nodes.take(3).map { it.port }
        for (shard in real.topology.shards) {
            val primary = cluster.nodes.first { it.port == port(shard.primary) }
            shard.replicas.map(::port) shouldBe cluster.replicasOf(primary).map { it.port }
        }
        val major = cluster.version.substringBefore('.').toInt()
        real.shardsUnknown shouldBe (major < 7)
        // a second read asks only the command that worked: one call (6.2 counts every CLUSTER subcommand as one)
        val stat = if (major < 7) "cluster" else "cluster|shards"
        val before = cluster.nodes.sumOf { it.callsOf(stat) }
        client.refreshTopology()
        cluster.nodes.sumOf { it.callsOf(stat) } - before shouldBe 1L
        client.primaries.map(::port) shouldBe cluster.nodes.take(3).map { it.port }
    }
})
