package io.hivepool.redis

import io.hivepool.testing.FakeRespServer
import io.kotest.assertions.throwables.shouldThrowExactly
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.withTimeout
import java.util.Collections
import kotlin.time.Duration.Companion.seconds

class HandshakeFallbackSpec : FunSpec({

    /** A server from before Redis 6: no HELLO, AUTH with one or two arguments, RESP2 only. */
    fun oldServer(password: String?, seen: MutableList<List<String>>, helloError: String = "-ERR unknown command 'HELLO', with args beginning with: '3' \r\n") =
        FakeRespServer { request ->
            val args = request.texts()
            seen += args
            when (args[0].uppercase()) {
                "HELLO" -> reply(helloError)
                "AUTH" -> reply(if (args.last() == password) "+OK\r\n" else "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
                "CLIENT" -> reply(if (args[1].uppercase() == "SETINFO") "-ERR unknown subcommand 'SETINFO'\r\n" else "+OK\r\n")
                "SELECT" -> reply("+OK\r\n")
                "GET" -> reply("$3\r\nold\r\n")
                else -> reply("-ERR unknown command '${args[0]}'\r\n")
            }
        }

    test("a server without HELLO gets AUTH, CLIENT SETNAME and SELECT in RESP2") {
        val seen = Collections.synchronizedList(mutableListOf<List<String>>())
        oldServer("pw", seen).use { fake ->
            withTimeout(20.seconds) {
                RedisConnection.connect("redis://:pw@127.0.0.1:${fake.port}/4?clientName=legacy").use { conn ->
                    conn.protocol shouldBe 2
                    conn.get("k") shouldBe "old"
                }
            }
        }
        seen.map { it.first() } shouldContainExactly listOf("HELLO", "SELECT", "CLIENT", "CLIENT", "AUTH", "CLIENT", "SELECT", "GET")
        seen[4] shouldContainExactly listOf("AUTH", "pw")
        seen[5] shouldContainExactly listOf("CLIENT", "SETNAME", "legacy")
        seen[6] shouldContainExactly listOf("SELECT", "4")
    }

    test("a server that refuses RESP3 with NOPROTO gets the RESP2 fallback") {
        val seen = Collections.synchronizedList(mutableListOf<List<String>>())
        oldServer(null, seen, helloError = "-NOPROTO unsupported protocol version\r\n").use { fake ->
            withTimeout(20.seconds) {
                RedisConnection.connect(fake.uri).use { conn ->
                    conn.protocol shouldBe 2
                    conn.get("k") shouldBe "old"
                }
            }
        }
    }

    test("a wrong password in the fallback is a RedisAuthException without the password") {
        val seen = Collections.synchronizedList(mutableListOf<List<String>>())
        oldServer("right", seen).use { fake ->
            val e = shouldThrowExactly<RedisAuthException> {
                withTimeout(20.seconds) { RedisConnection.connect("redis://app:wrong-secret@127.0.0.1:${fake.port}") }
            }
            e.message shouldBe "authentication to redis://app:***@127.0.0.1:${fake.port}/0 failed: user 'app' was refused " +
                "(wrong user name or password?): WRONGPASS invalid username-password pair or user is disabled."
            e.message!! shouldNotContain "wrong-secret"
            seen.last() shouldContainExactly listOf("AUTH", "app", "wrong-secret")
        }
    }
})
