package io.hivepool.testing

import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.RespReply
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.io.EOFException
import java.net.InetSocketAddress
import java.net.Socket
import java.net.SocketTimeoutException

class FakeRespServerSpec : FunSpec({
    test("the handler sees each request's arguments and its scripted bytes reach the client unchanged") {
        val seen = mutableListOf<List<String>>()
        FakeRespServer { request ->
            seen += request.map { String(it) }
            when (String(request[0])) {
                "PING" -> reply("+PONG\r\n")
                "GET" -> reply("$5\r\nhello\r\n".toByteArray())
                else -> reply("-ERR unknown\r\n")
            }
        }.use { fake ->
            RespClient.connect("127.0.0.1", fake.port).use { client ->
                client.call("PING") shouldBe RespReply.Simple("PONG")
                client.call("GET", "some key").render() shouldBe "hello"
                client.call("NOPE") shouldBe RespReply.Error("ERR unknown")
            }
            seen shouldBe listOf(listOf("PING"), listOf("GET", "some key"), listOf("NOPE"))
            fake.uri shouldBe "redis://127.0.0.1:${fake.port}"
        }
    }

    test("inline commands are split on spaces") {
        FakeRespServer { request -> reply("+${request.joinToString("|") { String(it) }}\r\n") }.use { fake ->
            Socket().use { socket ->
                socket.connect(InetSocketAddress("127.0.0.1", fake.port))
                socket.soTimeout = 5_000
                socket.getOutputStream().write("ECHO  a b\r\n".toByteArray())
                socket.getInputStream().bufferedReader().readLine() shouldBe "+ECHO|a|b"
            }
        }
    }

    test("a silenced connection never answers, so the client's read times out") {
        FakeRespServer { silence() }.use { fake ->
            RespClient.connect("127.0.0.1", fake.port, readTimeoutMs = 200).use { client ->
                shouldThrow<SocketTimeoutException> { client.call("PING") }
            }
        }
    }

    test("a handler that closes the connection gives the client end of stream") {
        FakeRespServer { close() }.use { fake ->
            RespClient.connect("127.0.0.1", fake.port).use { client ->
                shouldThrow<EOFException> { client.call("PING") }
            }
        }
    }

    test("close() never fails while connections are ending by themselves") {
        // The race of the issue: one session leaving the set between close()'s size check and its read.
        repeat(300) {
            val fake = FakeRespServer { close() }
            val client = Socket("127.0.0.1", fake.port)
            client.getOutputStream().write("PING\r\n".toByteArray()) // the handler closes this session now...
            fake.close() // ...while close() walks the sessions
            client.close()
        }
    }

    test("connections counts every accepted connection and close drops the open ones") {
        val fake = FakeRespServer { reply("+OK\r\n") }
        val first = RespClient.connect("127.0.0.1", fake.port)
        val second = RespClient.connect("127.0.0.1", fake.port)
        first.call("PING") shouldBe RespReply.Simple("OK")
        second.call("PING") shouldBe RespReply.Simple("OK")
        fake.connections shouldBe 2
        fake.close()
        shouldThrow<Exception> { first.call("PING") }
        first.close()
        second.close()
    }
})
