package io.hivepool.redis.cluster

import io.hivepool.redis.cluster.internal.RealRedisClusterPool
import io.hivepool.redis.get
import io.hivepool.redis.set
import io.hivepool.testing.RedisCluster
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/**
 * PRIMARY_PREFERRED and REPLICA_PREFERRED keep reads working when the preferred node dies or hangs: the read goes to
 * the other role within the command's deadline. The cluster's node timeout is long, so no failover happens while a
 * node is down and the fallback alone answers.
 */
class ClusterReadFallbackSpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3; replicasPerPrimary = 1; nodeTimeoutMillis = 30_000 }
    afterSpec { cluster.close() }
    val commandTimeout = 2.seconds

    fun client(readFrom: ReadFrom, name: String) = redisCluster {
        seeds = cluster.seeds
        this.readFrom = readFrom
        this.name = name
        node { this.commandTimeout = commandTimeout; connectTimeout = 1.seconds }
    }

    /**
     * Until every node's CLUSTER SLOTS and then the client's slot map list the replica of [key]'s primary: Redis 7
     * leaves a replica out of CLUSTER SLOTS until the node asked has heard (by gossip) that it replicated something,
     * so a topology read from a node that has not could drop the replica again.
     */
    suspend fun awaitReplicaKnown(client: RedisClusterPool, key: String) {
        val replica = cluster.replicasOf(cluster.ownerOf(key)).single()
        val real = client as RealRedisClusterPool
        withTimeout(30.seconds) {
            while (!withContext(Dispatchers.IO) { cluster.nodes.all { it.command("CLUSTER", "SLOTS").lines().contains("${replica.port}") } }) {
                delay(100.milliseconds)
            }
            while (true) {
                client.refreshTopology()
                if (real.topology.owner(client.slotOf(key))?.replicas?.isNotEmpty() == true) break
                delay(100.milliseconds)
            }
        }
    }

    /** Reads [key] [times] times; every read must answer [expected] within commandTimeout. Returns the slowest. */
    suspend fun readAll(client: RedisClusterPool, key: String, expected: String, times: Int): Duration {
        var slowest = Duration.ZERO
        repeat(times) {
            val started = TimeSource.Monotonic.markNow()
            client.get(key) shouldBe expected
            slowest = maxOf(slowest, started.elapsedNow())
        }
        slowest shouldBeLessThan commandTimeout
        return slowest
    }

    /** Writes [key] through a fresh client and waits until the replica of its primary has it. */
    suspend fun seed(key: String): Pair<RedisServer, RedisServer> {
        val primary = cluster.ownerOf(key)
        val replica = cluster.replicasOf(primary).single()
        primary.command("SET", key, "v")
        awaitReplicated(primary, replica)
        return primary to replica
    }

    test("PRIMARY_PREFERRED: reads of a paused primary's slots are answered by its replica within commandTimeout") {
        val (primary, replica) = seed("ppp:key")
        val client = client(ReadFrom.PRIMARY_PREFERRED, "pp-paused")
        try {
            awaitReplicaKnown(client, "ppp:key")
            val primaryGets0 = callsOf(primary, "get")
            client.get("ppp:key") shouldBe "v" // opens the pool on the primary
            callsOf(primary, "get") shouldBe primaryGets0 + 1
            val replicaGets = callsOf(replica, "get")
            withContext(Dispatchers.IO) { primary.pause() }
            try {
                val slowest = readAll(client, "ppp:key", "v", 10)
                println("PRIMARY_PREFERRED, primary paused: slowest of 10 reads ${slowest.inWholeMilliseconds} ms")
                callsOf(replica, "get") shouldBe replicaGets + 10
            } finally {
                withContext(Dispatchers.IO) { primary.resume() }
            }
            // the primary answers again: once its down mark (1 s) has expired, reads go back to it
            val primaryGets = callsOf(primary, "get")
            val until = TimeSource.Monotonic.markNow() + 5.seconds
            while (callsOf(primary, "get") == primaryGets && until.hasNotPassedNow()) {
                client.get("ppp:key") shouldBe "v"
                delay(50.milliseconds)
            }
            (callsOf(primary, "get") > primaryGets) shouldBe true
        } finally {
            client.close()
        }
    }

    test("PRIMARY_PREFERRED: reads of a killed primary's slots go to its replica at once") {
        val (primary, replica) = seed("ppk:key")
        val client = client(ReadFrom.PRIMARY_PREFERRED, "pp-killed")
        try {
            awaitReplicaKnown(client, "ppk:key")
            client.get("ppk:key") shouldBe "v"
            val replicaGets = callsOf(replica, "get")
            withContext(Dispatchers.IO) { primary.kill() }
            val slowest = readAll(client, "ppk:key", "v", 20)
            println("PRIMARY_PREFERRED, primary killed: slowest of 20 reads ${slowest.inWholeMilliseconds} ms")
            slowest shouldBeLessThan commandTimeout / 2 // refused at once, nothing waits for a bound
            callsOf(replica, "get") shouldBe replicaGets + 20
        } finally {
            client.close()
            withContext(Dispatchers.IO) {
                primary.restart()
                cluster.awaitHealthy()
            }
        }
    }

    test("REPLICA_PREFERRED: reads fall back to the primary when the replica is paused, within commandTimeout") {
        val (primary, replica) = seed("rpp:key")
        val client = client(ReadFrom.REPLICA_PREFERRED, "rp-paused")
        try {
            awaitReplicaKnown(client, "rpp:key")
            val replicaGets = callsOf(replica, "get")
            client.get("rpp:key") shouldBe "v" // opens the pool on the replica
            callsOf(replica, "get") shouldBe replicaGets + 1
            val primaryGets = callsOf(primary, "get")
            withContext(Dispatchers.IO) { replica.pause() }
            try {
                val slowest = readAll(client, "rpp:key", "v", 10)
                println("REPLICA_PREFERRED, replica paused: slowest of 10 reads ${slowest.inWholeMilliseconds} ms")
                callsOf(primary, "get") shouldBe primaryGets + 10
            } finally {
                withContext(Dispatchers.IO) { replica.resume() }
            }
        } finally {
            client.close()
        }
    }

    test("REPLICA_PREFERRED: reads fall back to the primary at once when the replica is killed") {
        val (primary, replica) = seed("rpk:key")
        val client = client(ReadFrom.REPLICA_PREFERRED, "rp-killed")
        try {
            awaitReplicaKnown(client, "rpk:key")
            val replicaGets = callsOf(replica, "get")
            client.get("rpk:key") shouldBe "v"
            callsOf(replica, "get") shouldBe replicaGets + 1
            val primaryGets = callsOf(primary, "get")
            withContext(Dispatchers.IO) { replica.kill() }
            val slowest = readAll(client, "rpk:key", "v", 20)
            println("REPLICA_PREFERRED, replica killed: slowest of 20 reads ${slowest.inWholeMilliseconds} ms")
            slowest shouldBeLessThan commandTimeout / 2
            callsOf(primary, "get") shouldBe primaryGets + 20
        } finally {
            client.close()
            withContext(Dispatchers.IO) {
                replica.restart()
                cluster.awaitHealthy()
            }
        }
    }
})
