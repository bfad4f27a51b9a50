package io.hivepool.redis.cluster

import io.hivepool.redis.RedisServerException
import io.hivepool.redis.spublish
import io.hivepool.testing.RedisCluster
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Sharded pub/sub on whatever server the fixture runs: the embedded 6.2 in CI, which has no SSUBSCRIBE, so the flow
 * must fail with the server's error rather than retry forever; Redis 7 where it is on PATH.
 * SystemRedisShardedPubSubSpec covers Redis 7 in depth (slot migration, failover).
 */
class ClusterShardedPubSubSpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3 }
    val client = redisCluster { seeds = listOf(cluster.seeds.first()); maxSizePerNode = 2; name = "sharded-any" }
    afterSpec {
        client.close()
        cluster.close()
    }

    test("ssubscribe hears SPUBLISH on Redis 7, and fails at once with the server's error where SSUBSCRIBE is unknown") {
        val channel = "any:{s1}"
        if (cluster.version.substringBefore('.').toInt() >= 7) {
            val first = async(start = CoroutineStart.UNDISPATCHED) { client.ssubscribe(channel).first() }
            withTimeout(10.seconds) { while (client.spublish(channel, "hi") == 0L) delay(10.milliseconds) }
            first.await().payload shouldBe "hi"
        } else {
            val e = withTimeout(10.seconds) { shouldThrow<RedisServerException> { client.ssubscribe(channel).first() } }
            e.message!!.lowercase() shouldContain "unknown command"
            shouldThrow<RedisServerException> { client.spublish(channel, "hi") }.message!!.lowercase() shouldContain "unknown command"
        }
        // the subscriber's lease went back (or was discarded); only shared connections stay in use
        client.primaries.mapNotNull { client.nodePool(it) }.sumOf { it.connections.leased } shouldBe 0
    }
})
