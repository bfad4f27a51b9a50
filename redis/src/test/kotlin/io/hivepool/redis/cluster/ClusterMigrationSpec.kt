package io.hivepool.redis.cluster

import io.hivepool.redis.cluster.internal.RealRedisClusterPool
import io.hivepool.redis.get
import io.hivepool.redis.mget
import io.hivepool.redis.mset
import io.hivepool.redis.set
import io.hivepool.testing.RedisCluster
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class ClusterMigrationSpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3 }
    val client = redisCluster {
        seeds = cluster.seeds
        maxSizePerNode = 6
        name = "migration"
        node { commandTimeout = 5.seconds }
    }
    afterSpec {
        client.close()
        cluster.close()
    }

    test("a slot migrated under load (ASK while migrating, MOVED after) fails no command and misroutes none") {
        val slot = cluster.slotOf("{mig}")
        val source = cluster.ownerOf(slot)
        val target = cluster.primaries().first { it != source }
        for (i in 0 until 200) client.set("{mig}:seed:$i", "s$i") // keys for MIGRATE to move
        val done = AtomicLong()
        val failures = ConcurrentLinkedQueue<String>()
        val loops = (0 until 16).map { loop ->
            launch(Dispatchers.Default) {
                var n = 0L
                while (isActive) {
                    n++
                    try {
                        val key = "{mig}:$loop:${n % 20}"
                        client.set(key, "$n")
                        val read = client.get(key)
                        if (read != "$n") failures += "$key read $read after writing $n"
                        if (loop % 4 == 0) { // multi-key: TRYAGAIN while its keys are split between the nodes
                            client.mset("{mig}:m$loop:a" to "$n", "{mig}:m$loop:b" to "$n")
                            val both = client.mget("{mig}:m$loop:a", "{mig}:m$loop:b")
                            if (both != listOf("$n", "$n")) failures += "mget read $both after writing $n"
                        }
                        client.get("other:$loop:$n") // other slots keep working
                        done.incrementAndGet()
                    } catch (e: CancellationException) {
                        throw e // the test stopping the loop
                    } catch (e: Exception) {
                        failures += "$e"
                    }
                }
            }
        }
        suspend fun awaitProgress(ops: Long) {
            val from = done.get()
            while (done.get() < from + ops) delay(1.milliseconds)
        }
        awaitProgress(200)
        val askingBefore = callsOf(target, "asking")
        withContext(Dispatchers.IO) { cluster.beginSlotMigration(slot, target) }
        while (withContext(Dispatchers.IO) { cluster.migrateKeys(slot, source, target, batch = 20) } > 0) awaitProgress(50)
        awaitProgress(100)
        withContext(Dispatchers.IO) { cluster.finishSlotMigration(slot, source, target) }
        awaitProgress(300)
        loops.forEach { it.cancelAndJoin() }

        failures.toList() shouldBe emptyList()
        callsOf(target, "asking") shouldBeGreaterThan askingBefore
        (client as RealRedisClusterPool).topology.owner(slot)!!.primary shouldBe "127.0.0.1:${target.port}"
        cluster.ownerOf(slot) shouldBe target
        source.command("CLUSTER", "COUNTKEYSINSLOT", "$slot") shouldBe "0"
        target.command("GET", "{mig}:seed:7") shouldBe "s7"
        client.get("{mig}:seed:7") shouldBe "s7"
        println("migration under load: ${done.get()} loop iterations, ${callsOf(target, "asking") - askingBefore} ASKING")
    }

    test("a command that keeps being redirected fails after maxRedirects with a clear error") {
        val slot = cluster.slotOf("{loop}")
        val owner = cluster.ownerOf(slot)
        val other = cluster.primaries().first { it != owner }
        // the other node believes the slot is the owner's, the owner believes it migrates to the other: ASK <-> MOVED
        redisCluster { seeds = cluster.seeds; maxRedirects = 3; name = "redirects" }.let { c ->
            try {
                withContext(Dispatchers.IO) {
                    other.command("CLUSTER", "SETSLOT", "$slot", "IMPORTING", cluster.nodeId(owner))
                    owner.command("CLUSTER", "SETSLOT", "$slot", "MIGRATING", cluster.nodeId(other))
                    other.command("CLUSTER", "SETSLOT", "$slot", "STABLE") // it no longer accepts ASKING for the slot
                }
                val e = io.kotest.assertions.throwables.shouldThrow<RedisClusterException> { c.get("{loop}:absent") }
                e.message shouldBe "GET was redirected more than maxRedirects (3) times; last: MOVED $slot 127.0.0.1:${owner.port}"
            } finally {
                withContext(Dispatchers.IO) { owner.command("CLUSTER", "SETSLOT", "$slot", "STABLE") }
                c.close()
            }
        }
    }
})
