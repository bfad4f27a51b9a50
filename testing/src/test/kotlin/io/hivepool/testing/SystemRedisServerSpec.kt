package io.hivepool.testing

import io.hivepool.testing.internal.ContainerStarter
import io.hivepool.testing.internal.EmbeddedBinary
import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.RespReply
import io.hivepool.testing.internal.ServerResolver
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith

/**
 * The redis-server installed on this machine (Debian's 7.x in CI), run by the fixture with every option.
 * Runs only where /usr/bin/redis-server exists (the `system-redis` profile in testing/pom.xml); elsewhere
 * it is not part of the run at all, never a skip.
 */
class SystemRedisServerSpec : FunSpec({
    val systemRedis = onSystemPath("redis-server")

    test("the installed redis-server, found on PATH, takes every fixture option at once") {
        val resolver = ServerResolver(
            mapOf("PATH" to systemRedis.parent.toString())::get,
            EmbeddedBinary { "none" },
            ContainerStarter { _, _ -> error("no Docker in this test") },
        )
        val options = RedisServerOptions().apply {
            password = "pw"
            aclUsers["dave"] = "d"
            tls = true
            unixSocket = true
            extraArgs += listOf("--notify-keyspace-events", "KEA")
        }
        resolver.start(options).use { redis ->
            redis.source shouldBe "redis-server on PATH ($systemRedis)"
            redis.version shouldStartWith "7."
            redis.command("DEBUG", "SLEEP", "0") shouldBe "OK" // 7.x needs --enable-debug-command, which the fixture passes
            redis.command("CONFIG", "GET", "notify-keyspace-events") shouldBe "notify-keyspace-events\nAKE"
            RespClient.connectUnix(redis.unixSocket!!).use { it.call("AUTH", "dave", "d") shouldBe RespReply.Simple("OK") }
            RespClient.connect(redis.host, redis.tlsPort!!, redis.tls!!.socketFactory()).use { client ->
                client.call("AUTH", "pw") shouldBe RespReply.Simple("OK")
                client.call("PING") shouldBe RespReply.Simple("PONG")
            }
        }
    }

    test("executable runs the installed binary whatever HIVEPOOL_IGNORE_REDIS_ON_PATH says, for a server and a cluster") {
        RedisServer.start { executable = systemRedis }.use { redis ->
            redis.source shouldBe "executable ($systemRedis)"
            redis.version shouldStartWith "7."
        }
        RedisCluster.start { primaries = 3; executable = systemRedis }.use { cluster ->
            cluster.version shouldStartWith "7."
            cluster.nodes.forEach { it.source shouldBe "executable ($systemRedis)" }
            cluster.nodes.first().command("CLUSTER", "SHARDS") shouldContain "slots"
        }
    }
})
