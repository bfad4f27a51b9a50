package io.hivepool.redis.cluster

import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.spublish
import io.hivepool.testing.RedisCluster
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.nio.file.Paths
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Sharded pub/sub (SSUBSCRIBE/SPUBLISH) on a Redis 7 cluster (Debian's /usr/bin/redis-server). Runs only where that
 * binary exists (the `system-redis` profile in redis/pom.xml); elsewhere it is not part of the run.
 */
class SystemRedisShardedPubSubSpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3; replicasPerPrimary = 1; executable = Paths.get("/usr/bin/redis-server") }
    val client = redisCluster { seeds = listOf(cluster.seeds.first()); maxSizePerNode = 4; name = "sharded" }
    afterSpec {
        client.close()
        cluster.close()
    }

    /** Subscribers of [channel] on [node] (PUBSUB SHARDNUMSUB answers for the node asked). */
    fun shardSubscribers(node: RedisServer, channel: String): Long =
        runCatching { node.command("PUBSUB", "SHARDNUMSUB", channel).lines()[1].toLong() }.getOrDefault(-1)

    /** The node where [channel] has its one subscriber, once the slot's owner reports it. */
    suspend fun awaitSubscribed(channel: String): RedisServer = withContext(Dispatchers.IO) {
        withTimeout(10.seconds) {
            var found: RedisServer? = null
            while (found == null) {
                val owner = runCatching { cluster.ownerOf(channel) }.getOrNull()
                if (owner != null && shardSubscribers(owner, channel) == 1L) found = owner else delay(10.milliseconds)
            }
            found
        }
    }

    test("a sharded subscription hears SPUBLISH on the primary serving its channel's slot, in order") {
        val channel = "orders:{eu}"
        val inbox = Channel<PubSubMessage>(Channel.UNLIMITED)
        val collector = launch(start = CoroutineStart.UNDISPATCHED) { client.ssubscribe(channel).collect { inbox.send(it) } }
        val owner = awaitSubscribed(channel)
        owner shouldBe cluster.ownerOf(channel)
        repeat(20) { client.spublish(channel, "m$it") shouldBe 1L }
        withTimeout(5.seconds) { List(20) { inbox.receive().payload } } shouldBe List(20) { "m$it" }
        collector.cancel()
        collector.join()
        withTimeout(5.seconds) { while (shardSubscribers(owner, channel) != 0L) delay(10.milliseconds) }
    }

    test("channels of different slots are merged into one flow, each heard on its own node") {
        val channels = (0 until 200).map { "news:$it" }.distinctBy { cluster.ownerOf(it).port }.take(3)
        channels.size shouldBe 3
        val inbox = Channel<PubSubMessage>(Channel.UNLIMITED)
        val collector = launch(start = CoroutineStart.UNDISPATCHED) { client.ssubscribe(*channels.toTypedArray()).collect { inbox.send(it) } }
        channels.forEach { awaitSubscribed(it) }
        channels.forEach { client.spublish(it, "hello $it") shouldBe 1L }
        withTimeout(5.seconds) { List(3) { inbox.receive() } }.map { it.channel to it.payload }.toSet() shouldBe
            channels.map { it to "hello $it" }.toSet()
        collector.cancel()
    }

    test("an exception thrown by the collector ends the flow with it (no re-subscription) and the connection goes back") {
        val channel = "boom:{b1}"
        val failed = async(start = CoroutineStart.UNDISPATCHED) {
            runCatching { client.ssubscribe(channel).collect { throw IllegalStateException("listener failed on ${it.payload}") } }
        }
        val owner = awaitSubscribed(channel)
        client.spublish(channel, "m1") shouldBe 1L
        failed.await().exceptionOrNull()!!.message shouldBe "listener failed on m1"
        withTimeout(5.seconds) { while (shardSubscribers(owner, channel) != 0L) delay(10.milliseconds) }
        client.nodePool("127.0.0.1:${owner.port}")!!.connections.leased shouldBe 0
    }

    test("when its slot migrates to another primary, the subscription moves with it and hears what is published next") {
        val channel = "moves:{m1}"
        val slot = cluster.slotOf(channel)
        val inbox = Channel<PubSubMessage>(Channel.UNLIMITED)
        val collector = launch(start = CoroutineStart.UNDISPATCHED) { client.ssubscribe(channel).collect { inbox.send(it) } }
        val source = awaitSubscribed(channel)
        client.spublish(channel, "before") shouldBe 1L
        withTimeout(5.seconds) { inbox.receive().payload } shouldBe "before"
        val target = cluster.primaries().first { it != source }
        withContext(Dispatchers.IO) { cluster.migrateSlot(slot, target) }
        awaitSubscribed(channel) shouldBe target
        shardSubscribers(source, channel) shouldBe 0L
        client.spublish(channel, "after") shouldBe 1L
        withTimeout(5.seconds) { inbox.receive().payload } shouldBe "after"
        collector.cancel()
    }

    test("when its primary dies, the subscription moves to the promoted replica and hears what is published next") {
        val channel = "failover:{f1}"
        val inbox = Channel<PubSubMessage>(Channel.UNLIMITED)
        val collector = launch(start = CoroutineStart.UNDISPATCHED) { client.ssubscribe(channel).collect { inbox.send(it) } }
        val dead = awaitSubscribed(channel)
        val replica = cluster.replicasOf(dead).single()
        dead.kill()
        val promoted = awaitSubscribed(channel)
        promoted shouldBe replica
        promoted shouldNotBe dead
        withTimeout(10.seconds) { while (runCatching { client.spublish(channel, "after") }.getOrNull() != 1L) delay(10.milliseconds) }
        withTimeout(5.seconds) { inbox.receive().payload } shouldBe "after"
        collector.cancel()
    }
})
