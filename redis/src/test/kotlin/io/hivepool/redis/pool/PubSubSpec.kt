package io.hivepool.redis.pool

import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisPool
import io.hivepool.redis.publish
import io.hivepool.redis.pubsubNumpat
import io.hivepool.redis.pubsubNumsub
import io.hivepool.redis.set
import io.hivepool.testing.RedisServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class PubSubSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    suspend fun RedisPool.awaitSubscribers(channel: String, n: Long) {
        while (pubsubNumsub(channel)[channel] != n) delay(5.milliseconds)
    }

    for (protocol in listOf(3, 2)) {
        test("RESP$protocol: messages arrive in order; the collector stopping unsubscribes and returns the connection") {
            withPool({ uri = server.uri; this.protocol = protocol; maxSize = 4; sharedConnections = 1; clientName = "ps-order-$protocol" }) { pool ->
                val channel = "ps:order:$protocol"
                val received = async(start = CoroutineStart.UNDISPATCHED) { pool.subscribe(channel).take(100).toList() }
                pool.awaitSubscribers(channel, 1)
                repeat(100) { pool.publish(channel, "m$it") }
                received.await() shouldBe List(100) { PubSubMessage(channel, null, "m$it".encodeToByteArray()) }
                pool.awaitSubscribers(channel, 0)
                pool.stats.inUse shouldBe 1 // the shared connection; the subscriber's went back idle
                pool.stats.idle shouldBe 1
                pool.use { it.state.subscribed shouldBe false }
            }
        }
    }

    test("psubscribe sees keyspace notifications with the pattern that matched") {
        server.command("CONFIG", "SET", "notify-keyspace-events", "KA")
        withPool({ uri = server.uri }) { pool ->
            val received = async(start = CoroutineStart.UNDISPATCHED) { pool.psubscribe("__keyspace@0__:ps:ks:*").take(2).toList() }
            while (pool.pubsubNumpat() == 0L) delay(5.milliseconds)
            pool.set("ps:ks:a", "1")
            pool.set("ps:ks:b", "2")
            received.await().map { Triple(it.pattern, it.channel, it.payload) } shouldBe listOf(
                Triple("__keyspace@0__:ps:ks:*", "__keyspace@0__:ps:ks:a", "set"),
                Triple("__keyspace@0__:ps:ks:*", "__keyspace@0__:ps:ks:b", "set"),
            )
        }
    }

    test("1,000 subscribe/cancel cycles leak no connection and no subscription") {
        val seed = System.nanoTime()
        val random = Random(seed)
        withClue("seed=$seed") {
            withPool({ uri = server.uri; maxSize = 4; sharedConnections = 1; clientName = "ps-cycles" }) { pool ->
                var maxClients = 0
                repeat(1_000) { i ->
                    val job = launch(start = CoroutineStart.UNDISPATCHED) { pool.subscribe("ps:cycle").collect { } }
                    repeat(random.nextInt(0, 4)) { yield() }
                    if (random.nextInt(10) == 0) pool.awaitSubscribers("ps:cycle", 1)
                    job.cancelAndJoin()
                    if (i % 100 == 0) maxClients = maxOf(maxClients, server.clientsNamed("ps-cycles"))
                }
                pool.stats.inUse shouldBeLessThanOrEqual 1
                pool.stats.size shouldBeLessThanOrEqual 4
                maxClients shouldBeLessThanOrEqual 4
                server.clientsNamed("ps-cycles") shouldBeLessThanOrEqual 4
                pool.pubsubNumsub("ps:cycle")["ps:cycle"] shouldBe 0L
            }
        }
    }

    test("a subscriber whose connection is killed fails with a connection error instead of hanging") {
        withPool({ uri = server.uri; clientName = "ps-kill"; maxSize = 3; sharedConnections = 1 }) { pool ->
            var failure: Throwable? = null
            val job = launch(start = CoroutineStart.UNDISPATCHED) {
                failure = runCatching { pool.subscribe("ps:kill").collect { } }.exceptionOrNull()
            }
            pool.awaitSubscribers("ps:kill", 1)
            server.command("CLIENT", "KILL", "TYPE", "pubsub") // a subscribed client is not of TYPE normal
            server.killClients()
            withTimeout(30.seconds) { job.join() }
            (failure is io.hivepool.redis.RedisConnectionException) shouldBe true
        }
    }
})
