package io.hivepool.benchmarks.load

import io.hivepool.testing.RedisCluster
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** Each cluster client runs for about a second against a real 3-primary cluster: a smoke test, not a measure. */
class ClusterClientsSpec : FunSpec({
    val cluster = RedisCluster.start { primaries = 3; replicasPerPrimary = 0 }
    val target = RedisTarget.ofCluster(cluster, owned = true)
    afterSpec { target.close() }
    val keyspace = Keyspace(size = 1_000)
    keyspace.preload(target)

    test("--target cluster selects the four cluster clients, and all means those four") {
        val options = LoadOptions.parse(arrayOf("--target", "cluster"))
        options.target shouldBe TargetKind.CLUSTER
        Clients.select(options.clients, options.target).keys.toList() shouldBe
            listOf("hivepool-cluster-pool", "hivepool-cluster-lease", "lettuce-cluster", "jedis-cluster")
    }

    test("a cluster client without --target cluster, or a bad --target, is refused saying what to do") {
        shouldThrow<IllegalArgumentException> { Clients.select(listOf("jedis-cluster")) }.message shouldBe
            "jedis-cluster runs against a cluster: add --target cluster"
        shouldThrow<IllegalArgumentException> { Clients.select(listOf("jedis-pool"), TargetKind.CLUSTER) }.message shouldBe
            "jedis-pool runs against one server: drop --target cluster"
        shouldThrow<IllegalArgumentException> { LoadOptions.parse(arrayOf("--target", "ring")) }.message shouldBe
            "--target must be single or cluster, was ring"
    }

    test("the keys are spread over every primary of the cluster") {
        cluster.primaries().forEach { node -> node.command("DBSIZE").toLong() shouldBeGreaterThan 250L }
    }

    for (name in ClusterClients.factories.keys) {
        test("$name runs a second of GETs on the cluster with no error") {
            val load = Load(concurrency = 8, duration = 1.seconds, ops = null, warmup = Duration.ZERO, keyspace = keyspace)
            val result = ClusterClients.factories.getValue(name).create(target, LoadOptions(poolSize = 2)).use { it.run(load) }
            result.client shouldBe name
            result.errors shouldBe 0L
            result.opsPerSecond shouldBeGreaterThan 0.0
            result.pool shouldBeGreaterThan 0
        }
    }
})
