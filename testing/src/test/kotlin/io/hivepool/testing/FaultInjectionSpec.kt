package io.hivepool.testing

import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.RespReply
import io.hivepool.testing.internal.ServerStartException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.IOException
import java.net.ConnectException
import java.net.SocketTimeoutException

class FaultInjectionSpec : FunSpec({
    val redis = install(RedisServerExtension())

    fun connect(readTimeoutMs: Int = 5_000) = RespClient.connect(redis.host, redis.port, readTimeoutMs = readTimeoutMs)

    test("a stopped server refuses connections and restart brings it back on the same port, empty") {
        val port = redis.port
        redis.command("SET", "before", "1") shouldBe "OK"
        redis.stop()
        shouldThrow<ConnectException> { connect() }
        redis.restart()
        redis.port shouldBe port
        redis.command("PING") shouldBe "PONG"
        redis.command("EXISTS", "before") shouldBe "0"
    }

    test("restart of a running server drops its connections and keeps the port") {
        val port = redis.port
        connect().use { client ->
            client.call("PING") shouldBe RespReply.Simple("PONG")
            redis.restart()
            shouldThrow<IOException> { client.call("PING") }
        }
        redis.port shouldBe port
        redis.command("PING") shouldBe "PONG"
    }

    test("a paused server accepts connections but answers nothing until resumed") {
        redis.pause()
        try {
            connect(readTimeoutMs = 300).use { client ->
                shouldThrow<SocketTimeoutException> { client.call("PING") }
            }
        } finally {
            redis.resume()
        }
        redis.command("PING") shouldBe "PONG"
    }

    test("killClients drops open connections and the server keeps serving") {
        connect().use { client ->
            client.call("PING") shouldBe RespReply.Simple("PONG")
            redis.killClients()
            shouldThrow<IOException> { client.call("PING") }
        }
        redis.command("PING") shouldBe "PONG"
    }

    test("pause on a stopped server says to restart it first") {
        redis.stop()
        val e = shouldThrow<IllegalStateException> { redis.pause() }
        e.message shouldBe "cannot pause: the redis-server on port ${redis.port} is stopped; call restart() first"
        redis.restart()
    }

    test("close stops even a paused server and is idempotent") {
        val server = RedisServer.start()
        server.pause()
        server.close()
        shouldThrow<ConnectException> { RespClient.connect(server.host, server.port) }
        server.close()
    }

    test("restart fails clearly when another process took the port, and is not fooled by its answers") {
        RedisServer.start().use { server ->
            server.stop()
            FakeRespServer(server.port) { reply("\$12\r\nprocess_id:1\r\n") }.use {
                shouldThrow<ServerStartException> { server.restart() }.message shouldContain "Address already in use"
            }
            server.restart()
            server.command("PING") shouldBe "PONG"
        }
    }

    test("restart keeps the password and ACL users") {
        RedisServer.start { password = "p"; aclUsers["carol"] = "c" }.use { server ->
            server.restart()
            RespClient.connect(server.host, server.port).use { client ->
                client.call("PING") shouldBe RespReply.Error("NOAUTH Authentication required.")
                client.call("AUTH", "carol", "c") shouldBe RespReply.Simple("OK")
            }
        }
    }
})
