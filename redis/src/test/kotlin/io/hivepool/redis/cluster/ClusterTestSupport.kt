package io.hivepool.redis.cluster

import io.hivepool.testing.RedisCluster
import io.hivepool.testing.RedisServer
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Writes a key on every primary and, on Redis 7, waits until every node's CLUSTER SHARDS calls every node
 * `online`: 7.0 reports a replica as `loading` while its replication offset is 0, which a freshly formed cluster's
 * replicas may be until their primary's offset moves.
 */
internal suspend fun RedisCluster.awaitReplicasOnline() {
    primaries().forEachIndexed { i, p ->
        val key = (0..100_000).map { "online-probe:$it" }.first { ownerOf(it) == p }
        p.command("SET", key, "$i")
    }
    if (version.substringBefore('.').toInt() < 7) return
    withTimeout(15.seconds) {
        while (true) {
            // Every node's view: a client may read its topology from any of them, and gossip clears a recovered
            // node's `fail` flag on each at its own pace.
            val allOnline = nodes.all { node ->
                val healths = node.command("CLUSTER", "SHARDS").lines().zipWithNext().filter { it.first == "health" }.map { it.second }
                healths.size == nodes.size && healths.all { it == "online" }
            }
            if (allOnline) break
            delay(20.milliseconds)
        }
    }
}

/** How many times [node] has run [command] (lower case, as INFO commandstats names it). */
internal fun callsOf(node: RedisServer, command: String): Long =
    node.command("INFO", "commandstats").lineSequence().firstOrNull { it.startsWith("cmdstat_$command:") }
        ?.substringAfter("calls=")?.substringBefore(',')?.toLong() ?: 0L

internal fun offsetOf(node: RedisServer): Long =
    node.command("INFO", "replication").lineSequence().first { it.startsWith("master_repl_offset:") }.substringAfter(':').trim().toLong()

/** Until the replica has applied everything the primary had written when this was called. */
internal suspend fun awaitReplicated(primary: RedisServer, replica: RedisServer) {
    val target = withContext(Dispatchers.IO) { offsetOf(primary) }
    while (withContext(Dispatchers.IO) { offsetOf(replica) } < target) delay(5.milliseconds)
}
