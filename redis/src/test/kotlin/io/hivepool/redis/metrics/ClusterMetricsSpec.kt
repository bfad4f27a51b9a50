package io.hivepool.redis.metrics

import io.hivepool.redis.cluster.ReadFrom
import io.hivepool.redis.cluster.awaitReplicasOnline
import io.hivepool.redis.cluster.redisCluster
import io.hivepool.redis.get
import io.hivepool.redis.set
import io.hivepool.testing.RedisCluster
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.shouldBe
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class ClusterMetricsSpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3; replicasPerPrimary = 1 }
    afterSpec { cluster.close() }

    fun addr(port: Int) = "127.0.0.1:$port"
    fun MeterRegistry.nodesTagged(cluster: String, meter: String = "hivepool.pool.creates") =
        find(meter).tag("cluster", cluster).meters().map { it.id.getTag("node") to it.id.getTag("node.pool") }

    test("each node pool is published with the cluster and node tags; summed over nodes they give the cluster's stats") {
        val client = redisCluster { seeds = cluster.seeds; name = "metered"; maxSizePerNode = 4 }
        try {
            val registry = SimpleMeterRegistry()
            RedisClusterMetrics(client).bindTo(registry)
            client.refreshTopology()
            val keys = (0 until 300).map { "m:$it" }
            val byNode = keys.groupBy { client.primaryFor(it)!!.substringAfterLast(':').toInt() }
            byNode.keys shouldBe cluster.nodes.take(3).map { it.port }.toSet()
            for (k in keys) client.set(k, "v")
            for (k in keys) client.get(k) shouldBe "v"

            registry.nodesTagged("metered") shouldContainAll cluster.nodes.take(3).map { addr(it.port) to "primary" }
            for ((port, inNode) in byNode) {
                registry.get("db.client.operation.duration").tag("cluster", "metered").tag("node", addr(port))
                    .tag("db.operation.name", "GET").timer().count() shouldBe inNode.size.toLong()
            }
            val created = registry.find("hivepool.pool.creates").tag("cluster", "metered").functionCounters().sumOf { it.count() }
            created shouldBe client.stats.created.toDouble()
            client.stats.created shouldBe client.nodeStats().values.sumOf { it.created }
        } finally {
            client.close()
        }
    }

    test("a node's meters appear when its pool opens after binding, and go when the node leaves the topology") {
        cluster.awaitReplicasOnline()
        val client = redisCluster { seeds = cluster.seeds; name = "moving"; readFrom = ReadFrom.REPLICA; topologyRefreshMinInterval = 0.milliseconds }
        try {
            val registry = SimpleMeterRegistry()
            val metrics = RedisClusterMetrics(client)
            metrics.bindTo(registry)
            registry.nodesTagged("moving").shouldBeEmpty()

            val primary = cluster.nodes[0]
            val replica = cluster.replicasOf(primary).single()
            val key = (0..10_000).map { "mv:$it" }.first { cluster.ownerOf(it) == primary }
            client.set(key, "v")
            client.get(key) // from the replica, over its READONLY pool
            registry.nodesTagged("moving") shouldContainAll listOf(addr(primary.port) to "primary", addr(replica.port) to "replica")

            replica.kill()
            try {
                withContext(Dispatchers.IO) {
                    withTimeout(15.seconds) {
                        val id = cluster.nodeId(replica)
                        while (!primary.command("CLUSTER", "NODES").lines().first { it.startsWith(id) }.split(' ')[2].split(',').contains("fail")) {
                            delay(20.milliseconds)
                        }
                    }
                }
                client.refreshTopology()
                registry.nodesTagged("moving").map { it.first } shouldNotContain addr(replica.port)
                registry.find("db.client.operation.duration").tag("node", addr(replica.port)).meters().shouldBeEmpty()
            } finally {
                withContext(Dispatchers.IO) {
                    replica.restart()
                    cluster.awaitHealthy()
                }
            }
            cluster.awaitReplicasOnline()
            client.refreshTopology()
            client.get(key) shouldBe "v"
            registry.nodesTagged("moving") shouldContainAll listOf(addr(primary.port) to "primary", addr(replica.port) to "replica")

            metrics.unbind()
            registry.meters.shouldBeEmpty()
        } finally {
            client.close()
        }
    }
})
