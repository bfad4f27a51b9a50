package io.hivepool.testing

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain

class RedisSentinelGroupSpec : FunSpec({
    val started = System.nanoTime()
    val group = RedisSentinelGroup.start { replicas = 1; sentinels = 3; downAfterMillis = 1_000 }
    println("RedisSentinelGroup 1+1, 3 sentinels (${group.servers.first().source}) up in ${(System.nanoTime() - started) / 1_000_000} ms")
    afterSpec { group.close() }

    test("the sentinels name the first server as primary, and the replica replicates it") {
        group.primary() shouldBe group.servers[0]
        group.sentinels.first().command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster") shouldBe "127.0.0.1\n${group.servers[0].port}"
        group.servers[0].command("SET", "k", "v")
        group.servers[1].command("ROLE").lines().first() shouldBe "slave"
        group.sentinels.first().command("SENTINEL", "MASTER", "mymaster") shouldContain "num-other-sentinels\n2"
    }

    test("a forced failover promotes the replica and the old primary follows it") {
        val old = group.primary()
        val new = group.failover()
        new shouldNotBe old
        new.command("ROLE").lines().first() shouldBe "master"
        group.awaitHealthy()
        old.command("ROLE").lines().first() shouldBe "slave"
    }

    test("a killed primary is failed over by the sentinels, and comes back as a replica after restart") {
        val old = group.primary()
        old.kill()
        group.awaitHealthy()
        val new = group.primary()
        new shouldNotBe old
        old.restart()
        group.awaitHealthy()
        old.command("ROLE").lines().first() shouldBe "slave"
    }

    test("bad options are refused naming the field") {
        shouldThrow<IllegalArgumentException> { RedisSentinelGroup.start { replicas = 0 } }.message shouldBe "replicas must be >= 1, was 0"
        shouldThrow<IllegalArgumentException> { RedisSentinelGroup.start { masterName = "my master" } }.message shouldBe
            "masterName must be one word, was 'my master'"
    }
})
