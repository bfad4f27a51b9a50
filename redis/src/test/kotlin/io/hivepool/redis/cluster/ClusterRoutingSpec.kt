package io.hivepool.redis.cluster

import io.hivepool.redis.Command
import io.hivepool.redis.Popped
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.blpop
import io.hivepool.redis.cluster.internal.RealRedisClusterPool
import io.hivepool.redis.cluster.internal.SlotHash
import io.hivepool.redis.del
import io.hivepool.redis.execute
import io.hivepool.redis.get
import io.hivepool.redis.incr
import io.hivepool.redis.mget
import io.hivepool.redis.mset
import io.hivepool.redis.publish
import io.hivepool.redis.rpush
import io.hivepool.redis.set
import io.hivepool.testing.RedisCluster
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.toList
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class ClusterRoutingSpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3 }
    val client = redisCluster { seeds = listOf(cluster.seeds.first()); maxSizePerNode = 4; name = "routing" }
    afterSpec {
        client.close()
        cluster.close()
    }

    fun portOf(node: String) = node.substringAfterLast(':').toInt()

    test("the topology is read from one seed: three primaries in slot order") {
        client.refreshTopology()
        client.primaries.map(::portOf) shouldBe cluster.nodes.take(3).map { it.port }
    }

    test("every key is written on the primary serving its slot, and the client's slot agrees with the server's") {
        val keys = (1..200).map { "key:$it" }
        for (k in keys) client.set(k, "v-$k") shouldBe true
        for (k in keys) {
            client.slotOf(k) shouldBe cluster.slotOf(k)
            cluster.ownerOf(k).command("GET", k) shouldBe "v-$k"
        }
        keys.map { client.get(it) } shouldBe keys.map { "v-$it" }
        keys.map { cluster.ownerOf(it).port }.distinct() shouldHaveSize 3
    }

    test("keys sharing a hash tag go to one node, so multi-key commands work on them") {
        client.slotOf("{user1000}.following") shouldBe client.slotOf("{user1000}.followers")
        client.mset("{user1000}.following" to "a", "{user1000}.followers" to "b")
        client.mget("{user1000}.following", "{user1000}.followers") shouldBe listOf("a", "b")
        client.del("{user1000}.following", "{user1000}.followers") shouldBe 2
    }

    test("a multi-key command spanning slots fails before sending, naming the keys and their slots") {
        val e = shouldThrow<RedisCrossSlotException> { client.mget("foo", "bar") }
        e.slots shouldBe mapOf(12182 to "foo", 5061 to "bar")
        e.message shouldBe "MGET: keys in different slots (foo -> 12182, bar -> 5061); in a cluster all keys of one command " +
            "must share a slot: give them a common hash tag, e.g. {user1}.a and {user1}.b"
        shouldThrow<RedisCrossSlotException> { client.del("foo", "bar") }
    }

    test("SCAN as a command is refused with a pointer to cluster.scan, which walks every primary") {
        shouldThrow<IllegalArgumentException> { client.execute("SCAN", "0") }.message shouldBe
            "SCAN answers for one node only, so a cluster client cannot send it as one command; use cluster.scan(…), " +
            "which walks every primary, or nodePool(\"host:port\") for one node"
        val keys = (1..60).map { "scan:$it" }
        for (k in keys) client.set(k, "1")
        client.scan(match = "scan:*", count = 100).toList().sorted() shouldBe keys.sorted()
    }

    test("a pipeline spread over the three primaries returns every reply in the order queued") {
        val keys = (1..30).map { "pipe:$it" }
        val results = client.pipeline {
            for (k in keys) queue { set(k, k.uppercase()) }
            for (k in keys) queue { get(k) }
            queue { execute("NOSUCHCOMMAND") }
        }
        results shouldHaveSize 61
        results.take(30) shouldBe List(30) { true }
        results.subList(30, 60) shouldBe keys.map { it.uppercase() }
        results.last().shouldBeInstanceOf<RedisServerException>()
        keys.map { cluster.ownerOf(it).port }.distinct() shouldHaveSize 3
    }

    test("a transaction runs on the primary of its hash key") {
        val replies = client.transaction("{tx}") {
            watch("{tx}.a")
            multi {
                queue { set("{tx}.a", "1") }
                queue { incr("{tx}.b") }
            }
        }
        replies shouldBe listOf(true, 1L)
        cluster.ownerOf("{tx}").command("GET", "{tx}.a") shouldBe "1"
    }

    test("a blocking command leases a connection on its key's node and gets the element pushed later") {
        client.del("blk:list")
        val popped: Deferred<Popped<String>?> = async(start = CoroutineStart.UNDISPATCHED) { client.blpop("blk:list", timeout = 5.seconds) }
        val owner = cluster.ownerOf("blk:list")
        while (!owner.command("CLIENT", "LIST").contains("cmd=blpop")) delay(5.milliseconds)
        client.rpush("blk:list", "x")
        popped.await() shouldBe Popped("blk:list", "x")
    }

    test("keyless commands go to a primary, FLUSHALL to all of them") {
        client.publish("news", "hello") shouldBe 0
        client.send(Command(listOf("PING")) { it.toString() }) shouldBe "PONG"
        client.set("flush:a", "1")
        client.set("flush:b", "1")
        client.execute("FLUSHALL")
        for (n in cluster.nodes) n.command("DBSIZE") shouldBe "0"
    }

    test("without replicas, REPLICA_PREFERRED reads from the primary and REPLICA fails naming the slot") {
        val preferred = redisCluster { seeds = cluster.seeds; readFrom = ReadFrom.REPLICA_PREFERRED; name = "replica-preferred" }
        val strict = redisCluster { seeds = cluster.seeds; readFrom = ReadFrom.REPLICA; name = "replica-only" }
        try {
            client.set("rp:key", "v")
            preferred.get("rp:key") shouldBe "v"
            val e = shouldThrow<RedisClusterException> { strict.get("rp:key") }
            e.message shouldBe "readFrom = REPLICA, but slot ${client.slotOf("rp:key")} (primary 127.0.0.1:${cluster.ownerOf("rp:key").port}) has no replica"
            strict.set("rp:key", "w") shouldBe true // writes are not reads: they go to the primary
        } finally {
            preferred.close()
            strict.close()
        }
    }

    test("node pools exist for each primary and report their stats") {
        client.get("warm:a"); client.get("warm:b"); client.get("warm:c")
        client.nodeStats().keys shouldContainAll client.primaries
        client.nodePool(client.primaries.first())!!.config.connection.port shouldBe portOf(client.primaries.first())
        (client as RealRedisClusterPool).topology.owner(SlotHash.slotOf("foo"))!!.primary shouldBe "127.0.0.1:${cluster.ownerOf("foo").port}"
    }
})
