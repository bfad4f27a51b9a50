package io.hivepool.redis.cluster

import io.hivepool.redis.cluster.internal.RealRedisClusterPool
import io.hivepool.redis.get
import io.hivepool.redis.set
import io.hivepool.testing.RedisCluster
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class ClusterFailoverSpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3; replicasPerPrimary = 1; nodeTimeoutMillis = 1_000 }
    afterSpec { cluster.close() }

    /**
     * Until every node's CLUSTER SLOTS, then the client, list a replica for [key]'s slot (Redis 7's CLUSTER SLOTS
     * omits a replica until the node asked has heard by gossip that it replicated something).
     */
    suspend fun awaitReplicaKnown(client: RedisClusterPool, key: String) {
        val replica = cluster.replicasOf(cluster.ownerOf(key)).single()
        withTimeout(30.seconds) {
            while (!withContext(Dispatchers.IO) { cluster.nodes.all { it.command("CLUSTER", "SLOTS").lines().contains("${replica.port}") } }) {
                delay(100.milliseconds)
            }
            while (true) {
                client.refreshTopology()
                if ((client as RealRedisClusterPool).topology.owner(client.slotOf(key))?.replicas?.isNotEmpty() == true) break
                delay(100.milliseconds)
            }
        }
    }

    test("readFrom = REPLICA sends reads to the slot's replica over READONLY connections, and writes to the primary") {
        val client = redisCluster { seeds = cluster.seeds; readFrom = ReadFrom.REPLICA; name = "replica-reads" }
        try {
            val primary = cluster.ownerOf("rf:key")
            val replica = cluster.replicasOf(primary).single()
            client.set("rf:key", "v1") shouldBe true
            primary.command("GET", "rf:key") shouldBe "v1"
            awaitReplicated(primary, replica)
            awaitReplicaKnown(client, "rf:key")
            val primaryGets = callsOf(primary, "get")
            val replicaGets = callsOf(replica, "get")
            repeat(20) { client.get("rf:key") shouldBe "v1" }
            callsOf(primary, "get") shouldBe primaryGets
            callsOf(replica, "get") shouldBe replicaGets + 20
            callsOf(replica, "readonly") shouldBeGreaterThan 0L
        } finally {
            client.close()
        }
    }

    test("readFrom = ANY spreads reads over the primary and its replica") {
        val client = redisCluster { seeds = cluster.seeds; readFrom = ReadFrom.ANY; name = "any-reads" }
        try {
            val primary = cluster.ownerOf("any:key")
            val replica = cluster.replicasOf(primary).single()
            client.set("any:key", "v") shouldBe true
            awaitReplicated(primary, replica)
            awaitReplicaKnown(client, "any:key")
            val before = callsOf(primary, "get") to callsOf(replica, "get")
            repeat(20) { client.get("any:key") shouldBe "v" }
            callsOf(primary, "get") shouldBeGreaterThan before.first
            callsOf(replica, "get") shouldBeGreaterThan before.second
        } finally {
            client.close()
        }
    }

    test("readFrom = PRIMARY_PREFERRED reads from the primary while it answers") {
        val client = redisCluster { seeds = cluster.seeds; readFrom = ReadFrom.PRIMARY_PREFERRED; name = "primary-preferred" }
        try {
            val primary = cluster.ownerOf("pp:key")
            val replica = cluster.replicasOf(primary).single()
            client.set("pp:key", "v") shouldBe true
            val before = callsOf(primary, "get") to callsOf(replica, "get")
            repeat(10) { client.get("pp:key") shouldBe "v" }
            callsOf(primary, "get") shouldBe before.first + 10
            callsOf(replica, "get") shouldBe before.second
        } finally {
            client.close()
        }
    }

    test("a primary killed under load is replaced by its replica and the client recovers by itself, holding no caller past commandTimeout") {
        val commandTimeout = 4.seconds
        val client = redisCluster {
            seeds = cluster.seeds
            maxSizePerNode = 6
            name = "failover"
            node { this.commandTimeout = commandTimeout; connectTimeout = 1.seconds }
        }
        val victim = cluster.ownerOf(0)
        val heir = cluster.replicasOf(victim).single()
        val victimSlots = 0 until RedisCluster.SLOTS / 3 // the fixture gives the first primary the first third
        val victimKeys = (0 until 2000).map { "fo:$it" }.filter { client.slotOf(it) in victimSlots }.take(32)
        val otherKeys = (0 until 200).map { "fo:o$it" }.filter { client.slotOf(it) !in victimSlots }.take(32)
        for (k in victimKeys + otherKeys) client.set(k, "0")

        class Op(val key: String, val start: Long, val end: Long, val error: String?)
        val ops = ConcurrentLinkedQueue<Op>()
        val promotedAt = AtomicLong(0)
        val firstVictimSuccessAfterPromotion = AtomicLong(0)
        val loops = (0 until 32).map { loop ->
            launch(Dispatchers.Default) {
                var n = 0
                while (isActive) {
                    val key = if (loop % 2 == 0) victimKeys[(loop + n) % victimKeys.size] else otherKeys[(loop + n) % otherKeys.size]
                    n++
                    val start = System.nanoTime()
                    val error = try {
                        client.set(key, "$n")
                        null
                    } catch (e: CancellationException) {
                        throw e
                    } catch (e: Exception) {
                        e.toString()
                    }
                    val end = System.nanoTime()
                    ops += Op(key, start, end, error)
                    val promoted = promotedAt.get()
                    if (error == null && loop % 2 == 0 && promoted != 0L && start > promoted) {
                        firstVictimSuccessAfterPromotion.compareAndSet(0, end)
                    }
                }
            }
        }
        while (ops.size < 500) delay(1.milliseconds)
        val killedAt = System.nanoTime()
        withContext(Dispatchers.IO) { victim.kill() }
        withTimeout(30.seconds) {
            while (withContext(Dispatchers.IO) { heir.command("ROLE").lineSequence().first() } != "master") delay(5.milliseconds)
            promotedAt.set(System.nanoTime())
            while (firstVictimSuccessAfterPromotion.get() == 0L) delay(1.milliseconds)
        }
        val settled = ops.size
        while (ops.size < settled + 500) delay(1.milliseconds)
        loops.forEach { it.cancelAndJoin() }

        val promoted = promotedAt.get()
        val all = ops.toList()
        val errors = all.filter { it.error != null }
        println(
            "failover under load: promotion ${(promoted - killedAt) / 1_000_000} ms after the kill; first success on the dead " +
                "primary's slots ${(firstVictimSuccessAfterPromotion.get() - promoted) / 1_000_000} ms after promotion; " +
                "${all.size} commands, ${errors.size} failed, longest ${all.maxOf { it.end - it.start } / 1_000_000} ms",
        )
        // no caller held past its commandTimeout (plus scheduling slack on a busy machine)
        all.maxOf { it.end - it.start } shouldBeLessThan (commandTimeout + 500.milliseconds).inWholeNanoseconds
        // errors only for commands that started inside the window the cluster was down (before the promotion)
        errors.filter { it.start > promoted }.map { it.error } shouldBe emptyList()
        errors.filter { it.end < killedAt }.map { it.error } shouldBe emptyList()
        all.filter { it.start > promoted && it.key in victimKeys }.size shouldBeGreaterThan 0

        // the dead node left the topology: its pool was closed; the survivors serve every key
        client.refreshTopology()
        client.nodeStats().keys shouldNotContain "127.0.0.1:${victim.port}"
        for (k in victimKeys) client.get(k) shouldNotBe null
        client.close()

        withContext(Dispatchers.IO) {
            victim.restart()
            cluster.awaitHealthy()
            cluster.failover(victim) // the original layout again
        }
        cluster.ownerOf(0) shouldBe victim
    }
})
