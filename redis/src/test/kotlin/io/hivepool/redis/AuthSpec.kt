package io.hivepool.redis

import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrowExactly
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain

class AuthSpec : FunSpec({
    val server = RedisServer.start {
        password = "s3cret-pass"
        aclUsers["alice"] = "wonder-land"
    }
    afterSpec { server.close() }
    val base = "127.0.0.1:${server.port}"

    test("the default user authenticates with its password inside HELLO") {
        RedisConnection.connect("redis://:s3cret-pass@$base").use { conn ->
            conn.execute("ACL", "WHOAMI").toString() shouldBe "\"default\""
            conn.protocol shouldBe 3
        }
    }

    test("an ACL user authenticates with user name and password") {
        RedisConnection.connect("redis://alice:wonder-land@$base/1").use { conn ->
            conn.execute("ACL", "WHOAMI").toString() shouldBe "\"alice\""
            conn.state.db shouldBe 1
        }
    }

    test("a wrong password is a RedisAuthException that says so and never shows the password") {
        val e = shouldThrowExactly<RedisAuthException> { RedisConnection.connect("redis://alice:not-her-pass@$base") }
        e.message shouldBe "authentication to redis://alice:***@$base/0 failed: user 'alice' was refused " +
            "(wrong user name or password?): WRONGPASS invalid username-password pair or user is disabled."
        e.code shouldBe "WRONGPASS"
        e.isConnectionFatal.shouldBeTrue()
        e.stackTraceToString() shouldNotContain "not-her-pass"
    }

    test("no password where one is required is a RedisAuthException, not a timeout") {
        val e = shouldThrowExactly<RedisAuthException> { RedisConnection.connect("redis://$base") }
        e.message!!.startsWith("authentication to redis://$base/0 failed: the server requires a password and none was configured: NOAUTH").shouldBeTrue()
    }

    test("the password appears in no toString of config, connection or URI error") {
        val config = RedisURI.parse("redis://alice:wonder-land@$base/2?clientName=x")
        config.toString() shouldBe "RedisConnectionConfig(redis://alice:***@$base/2, clientName=x, protocol=3, connectTimeout=10s, commandTimeout=10s)"
        RedisConnection.connect(config).use { conn ->
            conn.toString() shouldNotContain "wonder-land"
            conn.toString() shouldBe "RedisConnection(redis://alice:***@$base/2, protocol=3, open=true)"
        }
        val bad = runCatching { RedisURI.parse("redis://alice:wonder-land@$base/x") }.exceptionOrNull()!!
        bad.message shouldBe "invalid Redis URI 'redis://***@$base/x': invalid database 'x' in the path; expected /<number>"
    }

    test("reset authenticates again in the same round trip") {
        RedisConnection.connect("redis://alice:wonder-land@$base").use { conn ->
            conn.select(3)
            conn.reset()
            conn.execute("ACL", "WHOAMI").toString() shouldBe "\"alice\""
            conn.state.db shouldBe 0
        }
    }
})
