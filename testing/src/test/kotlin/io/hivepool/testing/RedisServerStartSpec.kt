package io.hivepool.testing

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldMatch
import io.kotest.matchers.string.shouldStartWith

class RedisServerStartSpec : FunSpec({
    test("a started server answers PING on a loopback port and reports where it came from") {
        RedisServer.start().use { redis ->
            redis.command("PING") shouldBe "PONG"
            redis.host shouldBe "127.0.0.1"
            redis.uri shouldBe "redis://127.0.0.1:${redis.port}"
            redis.version shouldMatch Regex("""\d+\.\d+\.\d+""")
            redis.isExternal shouldBe false
            redis.source shouldStartWith "redis-server on PATH ("
        }
    }

    test("DEBUG is allowed, so tests can make the server slow") {
        RedisServer.start().use { redis ->
            redis.command("DEBUG", "SLEEP", "0") shouldBe "OK"
        }
    }

    test("a server error reply is thrown with the command's name") {
        RedisServer.start().use { redis ->
            shouldThrow<IllegalStateException> { redis.command("INCR", "k", "extra") }.message shouldBe
                "redis-server answered INCR with an error: ERR wrong number of arguments for 'incr' command"
        }
    }

    test("command renders integers, bulk strings, nulls and arrays as text") {
        RedisServer.start().use { redis ->
            redis.command("SET", "k", "v") shouldBe "OK"
            redis.command("GET", "k") shouldBe "v"
            redis.command("GET", "missing") shouldBe "(nil)"
            redis.command("RPUSH", "list", "a", "b") shouldBe "2"
            redis.command("LRANGE", "list", "0", "-1") shouldBe "a\nb"
            redis.flushAll()
            redis.command("DBSIZE") shouldBe "0"
        }
    }
})
