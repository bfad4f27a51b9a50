package io.hivepool.redis.sentinel

import io.hivepool.redis.RedisPool
import io.hivepool.redis.cluster.ReadFrom
import io.hivepool.redis.cluster.callsOf
import io.hivepool.redis.get
import io.hivepool.redis.sentinel.internal.RealRedisSentinelPool
import io.hivepool.redis.set
import io.hivepool.testing.RedisSentinelGroup
import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

class SentinelReadFromSpec : FunSpec({
    val group = RedisSentinelGroup.start { replicas = 2; sentinels = 1; downAfterMillis = 1_000 }
    afterSpec { group.close() }
    val commandTimeout = 2.seconds

    suspend fun pool(readFrom: ReadFrom, name: String): RedisPool = redisSentinel {
        sentinels = group.sentinelUris
        masterName = group.masterName
        this.name = name
        this.readFrom = readFrom
        node { this.commandTimeout = commandTimeout; connectTimeout = 1.seconds }
    }

    fun real(pool: RedisPool) = pool as RealRedisSentinelPool
    fun address(node: RedisServer) = "127.0.0.1:${node.port}"
    fun replicasOf(pool: RedisPool) = real(pool).replicas.current.addresses.toSet()

    /** Until [condition] holds, checked every 20 ms, for at most 15 s. */
    suspend fun awaitUntil(what: String, condition: suspend () -> Boolean) {
        withTimeout(15.seconds) { while (!condition()) delay(20.milliseconds) }
        println("sentinel readFrom: $what")
    }

    /** Writes through [pool] (so on the master) and waits until both replicas have it. */
    suspend fun writeReplicated(pool: RedisPool, key: String, value: String) {
        pool.set(key, value) shouldBe true
        val replicas = withContext(Dispatchers.IO) { group.servers - group.primary() }
        withTimeout(15.seconds) {
            while (!withContext(Dispatchers.IO) { replicas.all { it.command("GET", key) == value } }) delay(10.milliseconds)
        }
    }

    test("REPLICA sends reads to the replicas the sentinels list, and writes, leases and pipelines to the master") {
        val pool = pool(ReadFrom.REPLICA, "rf-replica")
        try {
            val master = group.primary()
            val replicas = group.servers - master
            replicasOf(pool) shouldBe replicas.map(::address).toSet()
            val masterSets = callsOf(master, "set")
            writeReplicated(pool, "rf:k", "v")
            callsOf(master, "set") shouldBe masterSets + 1
            val masterGets = callsOf(master, "get")
            val replicaGets = replicas.map { callsOf(it, "get") }
            repeat(20) { pool.get("rf:k") shouldBe "v" }
            callsOf(master, "get") shouldBe masterGets
            replicas.map { callsOf(it, "get") }.zip(replicaGets) { after, before -> after - before } shouldBe listOf(10L, 10L)
            pool.use { it.get("rf:k") } shouldBe "v"
            pool.pipeline { queue { get("rf:k") } } shouldBe listOf("v")
            callsOf(master, "get") shouldBe masterGets + 2
        } finally {
            pool.close()
        }
    }

    test("PRIMARY_PREFERRED reads from the master while it answers; ANY spreads reads over master and replicas") {
        val preferred = pool(ReadFrom.PRIMARY_PREFERRED, "rf-primary-preferred")
        val any = pool(ReadFrom.ANY, "rf-any")
        try {
            val master = group.primary()
            val replicas = group.servers - master
            writeReplicated(preferred, "rf:pp", "v")
            val before = (listOf(master) + replicas).map { callsOf(it, "get") }
            repeat(9) { preferred.get("rf:pp") shouldBe "v" }
            (listOf(master) + replicas).map { callsOf(it, "get") }.zip(before) { a, b -> a - b } shouldBe listOf(9L, 0L, 0L)
            repeat(9) { any.get("rf:pp") shouldBe "v" }
            (listOf(master) + replicas).map { callsOf(it, "get") }.zip(before) { a, b -> a - b } shouldBe listOf(12L, 3L, 3L)
        } finally {
            preferred.close()
            any.close()
        }
    }

    test("when the replicas are killed, REPLICA_PREFERRED reads from the master and REPLICA fails saying no replica is up") {
        val preferred = pool(ReadFrom.REPLICA_PREFERRED, "rf-replica-preferred")
        val strict = pool(ReadFrom.REPLICA, "rf-replica-strict")
        val master = group.primary()
        val replicas = group.servers - master
        try {
            writeReplicated(preferred, "rf:kill", "v")
            preferred.get("rf:kill") shouldBe "v" // both pools hold connections to a replica when they die
            strict.get("rf:kill") shouldBe "v"
            withContext(Dispatchers.IO) { replicas.forEach { it.kill() } }

            val masterGets = callsOf(master, "get")
            repeat(10) {
                val started = TimeSource.Monotonic.markNow()
                preferred.get("rf:kill") shouldBe "v"
                started.elapsedNow() shouldBeLessThan commandTimeout
            }
            callsOf(master, "get") shouldBe masterGets + 10
            // at once: both replicas refuse (or the sentinel already flags them disconnected), and the read says so
            val early = shouldThrow<RedisSentinelException> { strict.get("rf:kill") }.message!!
            if (!early.startsWith("readFrom = REPLICA, but no replica of '${group.masterName}' answered (tried ")) {
                early shouldBe "readFrom = REPLICA, but the sentinels list no replica of '${group.masterName}' that is up"
            }

            // once the sentinel flags them disconnected or s_down (+sdown), the pools drop them
            awaitUntil("replicas dropped") { replicasOf(strict).isEmpty() && replicasOf(preferred).isEmpty() }
            shouldThrow<RedisSentinelException> { strict.get("rf:kill") }.message shouldBe
                "readFrom = REPLICA, but the sentinels list no replica of '${group.masterName}' that is up"
            preferred.get("rf:kill") shouldBe "v"
            callsOf(master, "get") shouldBe masterGets + 11
        } finally {
            withContext(Dispatchers.IO) {
                replicas.forEach { it.restart() }
                group.awaitHealthy()
            }
        }
        try {
            // back up (-sdown): the pools list them again and reads go to them
            awaitUntil("replicas back after -sdown") { replicasOf(strict) == replicas.map(::address).toSet() }
            writeReplicated(preferred, "rf:back", "again")
            val masterGets = callsOf(master, "get")
            repeat(4) { strict.get("rf:back") shouldBe "again" }
            callsOf(master, "get") shouldBe masterGets
        } finally {
            preferred.close()
            strict.close()
        }
    }

    test("a replica that answers MASTERDOWN (cut from its master, serving no stale data) is passed over for the other one") {
        val pool = pool(ReadFrom.REPLICA_PREFERRED, "rf-masterdown")
        val master = group.primary()
        val (cut, healthy) = (group.servers - master).let { it[0] to it[1] }
        try {
            writeReplicated(pool, "rf:md", "v")
            withContext(Dispatchers.IO) {
                cut.command("CONFIG", "SET", "replica-serve-stale-data", "no")
                cut.command("REPLICAOF", "127.0.0.1", "1") // a port nothing listens on: the link stays down
            }
            val healthyGets = callsOf(healthy, "get")
            repeat(10) { pool.get("rf:md") shouldBe "v" }
            callsOf(healthy, "get") shouldBe healthyGets + 10
            // still cut off now, so the reads that picked it met MASTERDOWN and went on to the other replica
            shouldThrow<IllegalStateException> { cut.command("GET", "rf:md") }.message!! shouldContain "MASTERDOWN"
        } finally {
            pool.close()
            withContext(Dispatchers.IO) {
                cut.command("CONFIG", "SET", "replica-serve-stale-data", "yes")
                cut.command("REPLICAOF", master.host, master.port.toString())
                group.awaitHealthy()
            }
        }
    }

    test("after a failover, reads go to the replicas of the new master, never to the new master") {
        val pool = pool(ReadFrom.REPLICA, "rf-failover")
        try {
            val old = group.primary()
            writeReplicated(pool, "rf:fo", "1")
            pool.get("rf:fo") shouldBe "1"
            val promoted = withContext(Dispatchers.IO) { group.failover() }
            val others = group.servers - promoted
            awaitUntil("pool on the new master") { real(pool).masterAddress == address(promoted) }
            awaitUntil("replicas of the new master listed") { replicasOf(pool) == others.map(::address).toSet() }
            withContext(Dispatchers.IO) { group.awaitHealthy() }
            writeReplicated(pool, "rf:fo", "2")
            promoted.command("GET", "rf:fo") shouldBe "2"
            val promotedGets = callsOf(promoted, "get")
            val oldGets = callsOf(old, "get")
            repeat(10) { pool.get("rf:fo") shouldBe "2" }
            // The old master, now a replica, serves reads once the routing's down window for it (it failed reads
            // during the failover) has passed; the new master never does.
            awaitUntil("the old master, now a replica, serves reads") {
                pool.get("rf:fo") shouldBe "2"
                callsOf(old, "get") > oldGets
            }
            callsOf(promoted, "get") shouldBe promotedGets
        } finally {
            pool.close()
        }
    }
})
