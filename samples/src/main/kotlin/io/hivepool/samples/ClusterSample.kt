package io.hivepool.samples

import io.hivepool.redis.cluster.RedisCrossSlotException
import io.hivepool.redis.cluster.redisCluster
import io.hivepool.redis.get
import io.hivepool.redis.incr
import io.hivepool.redis.mget
import io.hivepool.redis.mset
import io.hivepool.redis.set
import io.hivepool.testing.RedisCluster
import kotlinx.coroutines.flow.count
import kotlinx.coroutines.runBlocking
import java.io.PrintStream

// A tour of the cluster client: routing by slot, hash tags, a pipeline over every node, a transaction pinned to a
// slot, a cross-slot command refused, SCAN over every primary. Uses REDIS_CLUSTER_URL (comma-separated seed URIs)
// when it is set; otherwise starts a throwaway 3-primary cluster of local redis-server processes.

/** What the tour saw, for ClusterSampleSpec. */
class ClusterReport(val primaries: Int, val keysPerPrimary: Map<String, Int>, val pipelined: Int, val counter: Long, val crossSlot: String, val scanned: Int)

/** Runs the tour against [seeds] (or a local cluster when null) and prints it to [out]. */
suspend fun runClusterSample(seeds: List<String>?, out: PrintStream = System.out): ClusterReport {
    val local = if (seeds == null) RedisCluster.start { primaries = 3 } else null
    val cluster = redisCluster {
        this.seeds = seeds ?: local!!.seeds
        maxSizePerNode = 4
        name = "cluster-sample"
    }
    try {
        out.println("cluster: ${local?.let { "local, ${it.nodes.first().source}, Redis ${it.version}" } ?: "REDIS_CLUSTER_URL"}")
        cluster.refreshTopology()
        out.println("primaries: ${cluster.primaries.joinToString()}")

        val keys = (1..30).map { "sample:user:$it" }
        for (k in keys) cluster.set(k, "v") // each goes to the primary serving its slot
        val spread = keys.groupingBy { cluster.primaryFor(it)!! }.eachCount()
        out.println("30 keys spread over the primaries by slot: $spread")

        cluster.mset("{sample:cart}:items" to "3", "{sample:cart}:total" to "42") // one hash tag, one slot
        out.println("hash-tagged keys read together: ${cluster.mget("{sample:cart}:items", "{sample:cart}:total")}")

        val replies = cluster.pipeline { for (k in keys) queue { get(k) } }
        out.println("pipeline over every node: ${replies.size} replies, in the order queued")

        val counter = cluster.transaction("{sample:tx}") {
            multi { queue { incr("{sample:tx}:counter") }; queue { incr("{sample:tx}:counter") } }!!.last() as Long
        }
        out.println("transaction on the primary of {sample:tx}: counter = $counter")

        val refused = try {
            cluster.mget("sample:user:1", "sample:user:2")
            "not refused"
        } catch (e: RedisCrossSlotException) {
            e.message!!
        }
        out.println("cross-slot MGET refused: $refused")

        val scanned = cluster.scan(match = "sample:user:*").count()
        out.println("scan over every primary: $scanned keys")
        return ClusterReport(cluster.primaries.size, spread, replies.size, counter, refused, scanned)
    } finally {
        cluster.close()
        local?.close()
    }
}

fun main() {
    val seeds = System.getenv("REDIS_CLUSTER_URL")?.takeIf { it.isNotBlank() }?.split(',')?.map { it.trim() }
    runBlocking { runClusterSample(seeds) }
}
