package io.hivepool.testing

import io.hivepool.testing.internal.ServerResolver
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldMatch
import java.io.File
import java.nio.file.Files
import java.nio.file.Paths

class RedisServerStartSpec : FunSpec({
    test("a started server answers PING on a loopback port and reports where it came from") {
        // what the documented order picks on this machine: PATH's redis-server unless there is none or it is ignored
        val ignored = ServerResolver.ignoresPath(ServerResolver.systemEnv)
        val onPath = System.getenv("PATH").orEmpty().split(File.pathSeparator).filter { it.isNotBlank() }
            .map { Paths.get(it, "redis-server") }.firstOrNull { Files.isRegularFile(it) && Files.isExecutable(it) }
        RedisServer.start().use { redis ->
            redis.command("PING") shouldBe "PONG"
            redis.host shouldBe "127.0.0.1"
            redis.uri shouldBe "redis://127.0.0.1:${redis.port}"
            redis.version shouldMatch Regex("""\d+\.\d+\.\d+""")
            redis.isExternal shouldBe false
            if (onPath != null && !ignored) redis.source shouldBe "redis-server on PATH ($onPath)" else redis.source shouldBe "embedded-redis"
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
