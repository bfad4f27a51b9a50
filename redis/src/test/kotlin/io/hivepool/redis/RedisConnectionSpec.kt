package io.hivepool.redis

import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.throwables.shouldThrowExactly
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlin.random.Random

class RedisConnectionSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("connect speaks RESP3, names the client and answers commands") {
        RedisConnection.connect(server.uri + "?clientName=spec-client").use { conn ->
            conn.protocol shouldBe 3
            conn.ping() shouldBe "PONG"
            conn.clientGetName() shouldBe "spec-client"
            conn.clientId shouldBe conn.clientId()
            conn.serverVersion shouldBe server.version
            conn.isOpen.shouldBeTrue()
            conn.isDirty.shouldBeFalse()
        }
    }

    test("CLIENT SETINFO announces the library name where the server knows it, and its absence is ignored") {
        RedisConnection.connect(server.uri).use { conn ->
            val me = server.command("CLIENT", "LIST", "ID", conn.clientId.toString())
            val (major, minor) = server.version.split('.').map { it.toInt() }
            if (major > 7 || (major == 7 && minor >= 2)) {
                me shouldContain "lib-name=hivepool"
            } else {
                // Redis before 7.2 answers CLIENT SETINFO with an error; the handshake must shrug it off.
                // (CLIENT LIST shows resp= only from 7.0 on: the embedded 6.2 binary has no such field.)
                me shouldContain "id=${conn.clientId} "
                conn.protocol shouldBe 3
                conn.ping() shouldBe "PONG"
            }
        }
    }

    test("the db in the URI is selected during the handshake") {
        RedisConnection.connect(server.uri + "/3").use { conn ->
            conn.set("in-db-3", "yes")
            conn.state.db shouldBe 3
            conn.isDirty.shouldBeFalse()
        }
        server.command("SELECT", "3") // the fixture's fresh connection: just proves the db exists
        RedisConnection.connect(server.uri + "/3").use { it.get("in-db-3") shouldBe "yes" }
        RedisConnection.connect(server.uri).use { it.get("in-db-3") shouldBe null }
    }

    test("a server error reply throws RedisServerException and leaves the connection usable") {
        RedisConnection.connect(server.uri).use { conn ->
            conn.set("a-string", "x")
            val e = shouldThrowExactly<RedisServerException> { conn.lpush("a-string", "y") }
            e.code shouldBe "WRONGTYPE"
            e.message shouldBe "WRONGTYPE Operation against a key holding the wrong kind of value"
            e.isConnectionFatal.shouldBeFalse()
            conn.isBroken.shouldBeFalse()
            conn.get("a-string") shouldBe "x"
        }
    }

    test("keys and values are binary safe: CRLF, zero bytes and a 1 MiB value") {
        RedisConnection.connect(server.uri).use { conn ->
            val key = byteArrayOf('k'.code.toByte(), '\r'.code.toByte(), '\n'.code.toByte(), 0, -1)
            val value = Random(42).nextBytes(1024 * 1024).also { it[0] = '\r'.code.toByte(); it[1] = '\n'.code.toByte(); it[2] = 0 }
            conn.set(key, value).shouldBeTrue()
            conn.get(key)!!.contentEquals(value).shouldBeTrue()
            conn.get("k\r\n\u0000") shouldBe null
            conn.echo(byteArrayOf(0, 13, 10, 36)).contentEquals(byteArrayOf(0, 13, 10, 36)).shouldBeTrue()
            conn.del(key) shouldBe 1L
        }
    }

    test("after close every command fails at once with RedisConnectionException") {
        val conn = RedisConnection.connect(server.uri)
        conn.close()
        conn.isOpen.shouldBeFalse()
        conn.isBroken.shouldBeTrue()
        val e = shouldThrowExactly<RedisConnectionException> { conn.ping() }
        e.message shouldBe "connection to ${conn.config.endpoint} is closed: connection to ${conn.config.endpoint} was closed by the client"
        conn.close() // idempotent
    }

    test("execute sends any command and returns the raw reply") {
        RedisConnection.connect(server.uri).use { conn ->
            conn.execute("SET", "raw", 42) shouldBe RespValue.SimpleString("OK")
            conn.execute("OBJECT", "ENCODING", "raw") shouldBe RespValue.BulkString("int".toByteArray())
            conn.execute("HSET", "h", "f", "v")
            conn.execute("HGETALL", "h").shouldBeInstanceOf<RespValue.Map>()
        }
    }

    test("an argument of an unsupported type fails in the caller and the connection stays open") {
        RedisConnection.connect(server.uri).use { conn ->
            shouldThrow<IllegalArgumentException> { conn.execute("SET", "k", listOf(1)) }.message shouldBe
                "unsupported argument type java.util.Collections.SingletonList; pass a String, ByteArray or number"
            conn.ping() shouldBe "PONG"
        }
    }
})
