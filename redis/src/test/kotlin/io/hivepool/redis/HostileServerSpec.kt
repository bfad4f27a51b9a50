package io.hivepool.redis

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.throwables.shouldThrowExactly
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withTimeout
import java.util.Collections
import kotlin.time.Duration.Companion.seconds

class HostileServerSpec : FunSpec({

    // Every test is bounded: a hang is a failure, never a stuck build.
    suspend fun <T> bounded(block: suspend () -> T): T = withTimeout(20.seconds) { block() }

    suspend fun expectBrokenBy(reply: String, config: (RedisConnectionConfig) -> RedisConnectionConfig = { it }): RedisException {
        fakeRedis { _, _ -> reply(reply) }.use { fake ->
            return bounded {
                val conn = RedisConnection.connect(config(RedisURI.parse(fake.uri)))
                val e = shouldThrow<RedisConnectionException> { conn.get("k") }
                conn.isBroken.shouldBeTrue()
                // The connection is closed: the next command fails at once instead of waiting for a reply.
                shouldThrowExactly<RedisConnectionException> { conn.ping() }
                e
            }
        }
    }

    test("an unknown type byte breaks the connection with a protocol error") {
        val e = expectBrokenBy("?oops\r\n")
        e::class shouldBe RedisProtocolException::class
        e.message shouldBe "invalid RESP from server: unknown type byte 0x3f ('?')"
    }

    test("a bad length breaks the connection with a protocol error") {
        val e = expectBrokenBy("\$ten\r\n0123456789\r\n")
        e::class shouldBe RedisProtocolException::class
        e.message shouldBe "invalid RESP from server: invalid integer 'ten'"
    }

    test("a bulk string over maxBulkLength is refused without being read") {
        // 1 GiB would not fit in the test JVM's heap: only the declared length is ever looked at.
        expectBrokenBy("$1073741824\r\n").message shouldBe
            "invalid RESP from server: bulk string length 1073741824 exceeds the limit of 536870912 (maxBulkLength)"
        expectBrokenBy("$2048\r\n", config = { it.copy(maxBulkLength = 1024) }).message shouldBe
            "invalid RESP from server: bulk string length 2048 exceeds the limit of 1024 (maxBulkLength)"
    }

    test("a reply nested deeper than maxNestingDepth breaks the connection") {
        expectBrokenBy("*1\r\n".repeat(100_000) + ":1\r\n").message shouldBe
            "invalid RESP from server: reply nested deeper than 64 levels (maxNestingDepth)"
        expectBrokenBy("*1\r\n".repeat(5) + ":1\r\n", config = { it.copy(maxNestingDepth = 4) }).message shouldBe
            "invalid RESP from server: reply nested deeper than 4 levels (maxNestingDepth)"
    }

    test("a reply truncated by the server closing the socket fails the command") {
        fakeRedis { _, _ -> reply("$10\r\nshort"); close() }.use { fake ->
            bounded {
                val conn = RedisConnection.connect(fake.uri)
                val e = shouldThrowExactly<RedisConnectionException> { conn.get("k") }
                e.message shouldBe "connection closed by the server in the middle of a reply"
                conn.isBroken.shouldBeTrue()
            }
        }
    }

    test("a server that closes mid-traffic fails every pending command at once") {
        fakeRedis { name, request ->
            when (name) {
                "GET" -> if (request[1].decodeToString() == "first") reply("$2\r\nok\r\n") else { reply("*3\r\n:1\r\n"); close() }
                else -> reply("+OK\r\n")
            }
        }.use { fake ->
            bounded {
                val conn = RedisConnection.connect(fake.uri)
                conn.get("first") shouldBe "ok"
                val results = coroutineScope {
                    (1..5).map { async { runCatching { conn.get("second-$it") } } }.awaitAll()
                }
                results.forEach { r -> (r.exceptionOrNull() is RedisConnectionException).shouldBeTrue() }
                conn.isBroken.shouldBeTrue()
            }
        }
    }

    test("push frames go to the push handler and the command still gets its own reply") {
        fakeRedis { _, _ ->
            reply(">2\r\n+invalidate\r\n*1\r\n$1\r\nk\r\n")
            reply(">3\r\n+message\r\n+news\r\n+hello\r\n$5\r\nvalue\r\n")
        }.use { fake ->
            bounded {
                val pushes = Collections.synchronizedList(mutableListOf<RespValue.Push>())
                val conn = RedisConnection.connect(fake.uri)
                conn.pushHandler = { pushes += it }
                conn.get("k") shouldBe "value"
                pushes.map { it.elements.first().toString() } shouldContainExactly listOf("invalidate", "message")
                conn.isBroken shouldBe false
            }
        }
    }

    test("a push handler that throws does not break the connection") {
        fakeRedis { _, _ -> reply(">1\r\n+boom\r\n+PONG\r\n") }.use { fake ->
            bounded {
                val conn = RedisConnection.connect(fake.uri)
                conn.pushHandler = { error("handler bug") }
                conn.ping() shouldBe "PONG"
                conn.ping() shouldBe "PONG"
            }
        }
    }

    test("a server that never answers fails the command after commandTimeout and closes the connection") {
        fakeRedis { _, _ -> silence() }.use { fake ->
            bounded {
                val conn = RedisConnection.connect(fake.uri + "?commandTimeout=300ms")
                val results = coroutineScope { (1..3).map { async { runCatching { conn.get("k$it") } } }.awaitAll() }
                val errors = results.map { it.exceptionOrNull() }
                errors.forEach { (it is RedisTimeoutException).shouldBeTrue() }
                errors[0]!!.message shouldBe
                    "no reply to GET from redis://127.0.0.1:${fake.port}/0 within 300ms (commandTimeout); " +
                    "the connection was closed and 3 pending command(s) failed"
                conn.isBroken.shouldBeTrue()
            }
        }
    }

    test("a server that never finishes the handshake fails connect after connectTimeout") {
        val fake = io.hivepool.testing.FakeRespServer { silence() }
        fake.use {
            bounded {
                val e = shouldThrowExactly<RedisTimeoutException> {
                    RedisConnection.connect(fake.uri + "?connectTimeout=300ms&commandTimeout=1m")
                }
                e.message shouldBe "connecting to redis://127.0.0.1:${fake.port}/0 timed out after 300ms (connectTimeout)"
            }
        }
    }

    test("a refused connection is a RedisConnectionException naming the endpoint") {
        val port = java.net.ServerSocket(0).use { it.localPort }
        val e = shouldThrowExactly<RedisConnectionException> { bounded { RedisConnection.connect("redis://127.0.0.1:$port") } }
        e.message shouldBe "could not connect to redis://127.0.0.1:$port/0: Connection refused"
    }
})
