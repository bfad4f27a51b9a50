package io.hivepool.testing

import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.RespReply
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class AuthSpec : FunSpec({
    val redis = install(RedisServerExtension()) {
        password = "top secret"
        aclUsers["alice"] = "wonderland"
    }

    fun connect() = RespClient.connect(redis.host, redis.port)

    test("a password server refuses commands until AUTH with the password") {
        connect().use { client ->
            client.call("PING") shouldBe RespReply.Error("NOAUTH Authentication required.")
            client.call("AUTH", "top secret") shouldBe RespReply.Simple("OK")
            client.call("PING") shouldBe RespReply.Simple("PONG")
        }
    }

    test("the fixture authenticates its own commands and puts the password in the uri") {
        redis.command("PING") shouldBe "PONG"
        redis.uri shouldBe "redis://default:top%20secret@127.0.0.1:${redis.port}"
    }

    test("an ACL user logs in with its password and has full rights") {
        connect().use { client ->
            client.call("AUTH", "alice", "wonderland") shouldBe RespReply.Simple("OK")
            client.call("ACL", "WHOAMI").render() shouldBe "alice"
            client.call("SET", "k", "v") shouldBe RespReply.Simple("OK")
            client.call("PUBLISH", "channel", "m") shouldBe RespReply.Integer(0)
        }
    }

    test("an ACL user with a wrong password is refused") {
        connect().use { client ->
            client.call("AUTH", "alice", "nope") shouldBe
                RespReply.Error("WRONGPASS invalid username-password pair or user is disabled.")
        }
    }
})
