package io.hivepool.testing

import io.hivepool.testing.internal.ContainerStarter
import io.hivepool.testing.internal.EmbeddedBinary
import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.RespReply
import io.hivepool.testing.internal.ServerResolver
import io.hivepool.testing.internal.deleteTree
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files

/** The embedded binary is redis 6.2: every option the fixture passes must work there too. */
class EmbeddedBinaryOptionsSpec : FunSpec({
    test("the embedded 6.2 binary takes every fixture option at once") {
        val options = RedisServerOptions().apply {
            password = "pw"
            aclUsers["dave"] = "d"
            tls = true
            unixSocket = true
            extraArgs += listOf("--notify-keyspace-events", "KEA")
        }
        // an empty PATH, as on a machine with nothing but a JDK: no redis-server, no openssl
        val pathDir = Files.createTempDirectory("hivepool-empty-path")
        val env = mapOf("PATH" to pathDir.toString())
        val resolver = ServerResolver(env::get, EmbeddedBinary.DEFAULT, ContainerStarter { _, _ -> error("no Docker in this test") })
        try {
            resolver.start(options).use { redis ->
                redis.source shouldBe "embedded-redis"
                redis.version shouldStartWith "6.2."
                redis.command("CONFIG", "GET", "notify-keyspace-events") shouldBe "notify-keyspace-events\nAKE"
                redis.command("DEBUG", "SLEEP", "0") shouldBe "OK"
                RespClient.connectUnix(redis.unixSocket!!).use { client ->
                    client.call("AUTH", "dave", "d") shouldBe RespReply.Simple("OK")
                }
                RespClient.connect(redis.host, redis.tlsPort!!, redis.tls!!.socketFactory()).use { client ->
                    client.call("AUTH", "pw") shouldBe RespReply.Simple("OK")
                    client.call("PING") shouldBe RespReply.Simple("PONG")
                }
            }
        } finally {
            deleteTree(pathDir)
        }
    }
})
