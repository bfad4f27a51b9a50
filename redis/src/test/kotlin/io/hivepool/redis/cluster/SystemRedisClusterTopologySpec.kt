package io.hivepool.redis.cluster

import io.hivepool.redis.cluster.internal.RealRedisClusterPool
import io.hivepool.redis.get
import io.hivepool.redis.pool.callsOf
import io.hivepool.redis.set
import io.hivepool.testing.RedisCluster
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.nio.file.Paths
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * The topology read on Redis 7 (Debian's /usr/bin/redis-server): CLUSTER SHARDS. Runs only where that binary exists
 * (the `system-redis` profile in redis/pom.xml); elsewhere it is not part of the run.
 */
class SystemRedisClusterTopologySpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3; replicasPerPrimary = 1; executable = Paths.get("/usr/bin/redis-server") }
    val client = redisCluster { seeds = listOf(cluster.seeds.first()); maxSizePerNode = 4; readFrom = ReadFrom.REPLICA_PREFERRED; name = "shards" }
    val real = client as RealRedisClusterPool
    afterSpec {
        client.close()
        cluster.close()
    }

    fun port(node: String) = node.substringAfterLast(':').toInt()

    test("on Redis 7 the slot map comes from CLUSTER SHARDS, with each primary's replica, and CLUSTER SLOTS is never asked") {
        cluster.version shouldStartWith "7."
        cluster.awaitReplicasOnline()
        client.refreshTopology()
        real.shardsUnknown shouldBe false
        client.primaries.map(::port) shouldBe cluster.nodes.take(3).map { it.port }
        for (p in cluster.nodes.take(3)) {
            val shard = real.topology.shards.first { port(it.primary) == p.port }
            shard.replicas.map(::port) shouldBe cluster.replicasOf(p).map { it.port }
        }
        cluster.nodes.sumOf { it.callsOf("cluster|shards") } shouldBeGreaterThan 0L
        cluster.nodes.sumOf { it.callsOf("cluster|slots") } shouldBe 0L
    }

    test("a replica whose health is not online gets no reads: they go to its primary (REPLICA_PREFERRED)") {
        val primary = cluster.nodes[0]
        val replica = cluster.replicasOf(primary).single()
        val key = (0..10_000).map { "k$it" }.first { cluster.ownerOf(it) == primary }
        client.set(key, "v") shouldBe true
        replica.kill()
        try {
            val replicaId = cluster.nodeId(replica)
            withTimeout(15.seconds) {
                // the others flag it failed after cluster-node-timeout; CLUSTER SHARDS then gives it a health other than online
                while (!primary.command("CLUSTER", "NODES").lines().first { it.startsWith(replicaId) }.split(' ')[2].split(',').contains("fail")) {
                    delay(20.milliseconds)
                }
            }
            primary.command("CLUSTER", "SHARDS").lines().zipWithNext().filter { it.first == "health" }.map { it.second }
                .count { it != "online" } shouldBe 1
            client.refreshTopology()
            real.topology.owner(client.slotOf(key))!!.replicas shouldBe emptyList()
            client.get(key) shouldBe "v"
        } finally {
            replica.restart()
            cluster.awaitHealthy()
        }
        cluster.awaitReplicasOnline() // a restarted replica is `loading` (offset 0) until its offset reaches the others
        client.refreshTopology()
        real.topology.owner(client.slotOf(key))!!.replicas.map(::port) shouldBe listOf(replica.port)
    }
})
