package io.hivepool.testing

import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.RespReply
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith

class RedisClusterSpec : FunSpec({
    val started = System.nanoTime()
    val cluster = RedisCluster.start { primaries = 3; replicasPerPrimary = 1 }
    println("RedisCluster 3x1 (${cluster.nodes.first().source}, ${cluster.version}) up in ${(System.nanoTime() - started) / 1_000_000} ms")
    afterSpec { cluster.close() }

    fun call(node: RedisServer, vararg args: String): RespReply =
        RespClient.connect(node.host, node.port).use { it.call(*args) }

    test("every slot is served, by three primaries with one replica each") {
        val info = cluster.nodes.first().command("CLUSTER", "INFO")
        info shouldContain "cluster_state:ok"
        info shouldContain "cluster_slots_assigned:16384"
        info shouldContain "cluster_known_nodes:6"
        cluster.primaries() shouldContainExactlyInAnyOrder cluster.nodes.take(3)
        for (p in cluster.primaries()) cluster.replicasOf(p) shouldHaveSize 1
        cluster.ownerOf(0) shouldBe cluster.nodes[0]
        cluster.ownerOf(RedisCluster.SLOTS - 1) shouldBe cluster.nodes[2]
    }

    test("a key is served by its slot's owner and the other primaries answer MOVED to it") {
        cluster.slotOf("foo") shouldBe 12182
        val owner = cluster.ownerOf("foo")
        owner.command("SET", "foo", "bar") shouldBe "OK"
        val other = cluster.primaries().first { it != owner }
        val moved = call(other, "GET", "foo") as RespReply.Error
        moved.text shouldBe "MOVED 12182 127.0.0.1:${owner.port}"
    }

    test("a slot migrated step by step answers ASK while migrating and belongs to the target afterwards") {
        val slot = cluster.slotOf("{mig}a")
        val source = cluster.ownerOf(slot)
        val target = cluster.primaries().first { it != source }
        source.command("SET", "{mig}a", "1")
        source.command("SET", "{mig}b", "2")
        cluster.beginSlotMigration(slot, target) shouldBe source
        cluster.migrateKeys(slot, source, target, batch = 1) shouldBe 1
        val asked = listOf("{mig}a", "{mig}b").map { call(source, "GET", it) }
        asked.count { it is RespReply.Error && it.text == "ASK $slot 127.0.0.1:${target.port}" } shouldBe 1
        cluster.finishSlotMigration(slot, source, target)
        cluster.ownerOf(slot) shouldBe target
        target.command("GET", "{mig}b") shouldBe "2"
        (call(source, "GET", "{mig}a") as RespReply.Error).text shouldStartWith "MOVED $slot"
        cluster.migrateSlot(slot, source) // back, for the tests that follow
        cluster.ownerOf(slot) shouldBe source
    }

    test("a killed primary is replaced by its replica and comes back as a replica after restart") {
        val victim = cluster.ownerOf(0)
        val replica = cluster.replicasOf(victim).single()
        victim.kill()
        shouldThrow<java.net.ConnectException> { RespClient.connect(victim.host, victim.port).use { it.call("PING") } }
        cluster.awaitHealthy()
        cluster.ownerOf(0) shouldBe replica
        victim.restart()
        cluster.awaitHealthy()
        cluster.replicasOf(replica) shouldBe listOf(victim)
        cluster.failover(victim) // the original layout again
        cluster.ownerOf(0) shouldBe victim
    }

    test("a paused primary answers nothing until resumed, and its slots stay with it for a pause shorter than the node timeout") {
        val node = cluster.ownerOf(RedisCluster.SLOTS - 1)
        node.pause()
        try {
            shouldThrow<java.net.SocketTimeoutException> {
                RespClient.connect(node.host, node.port, readTimeoutMs = 200).use { it.call("PING") }
            }
        } finally {
            node.resume()
        }
        cluster.awaitHealthy()
        cluster.ownerOf(RedisCluster.SLOTS - 1) shouldBe node
    }

    test("bad options are refused naming the field") {
        shouldThrow<IllegalArgumentException> { RedisCluster.start { primaries = 0 } }.message shouldBe "primaries must be >= 1, was 0"
        shouldThrow<IllegalArgumentException> { RedisCluster.start { nodeTimeoutMillis = 5 } }.message shouldBe
            "nodeTimeoutMillis must be >= 100, was 5"
        cluster.nodes.map { it.port }.distinct() shouldHaveSize 6
        cluster.nodeId(cluster.nodes[0]) shouldNotBe cluster.nodeId(cluster.nodes[1])
    }
})
