package io.hivepool.testing

import io.hivepool.testing.internal.ContainerStarter
import io.hivepool.testing.internal.EmbeddedBinary
import io.hivepool.testing.internal.ServerResolver
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldStartWith
import io.hivepool.testing.internal.deleteTree
import java.nio.file.Files

/** Each way of finding a server, forced by injecting the environment the resolver sees. */
class ServerResolutionSpec : FunSpec({
    val noDocker = ContainerStarter { _, _ -> throw IllegalStateException("Docker is not available") }
    fun resolver(vararg env: Pair<String, String>, embedded: EmbeddedBinary = EmbeddedBinary.DEFAULT) =
        ServerResolver(mapOf(*env)::get, embedded, noDocker)
    fun options(configure: RedisServerOptions.() -> Unit = {}) = RedisServerOptions().apply(configure)
    // A PATH with a redis-server on it (a link to the embedded binary), so these run on any machine.
    val pathDir = pathWithEmbeddedRedis()
    val pathRedis = pathDir.resolve("redis-server")
    val emptyDir = Files.createTempDirectory("hivepool-empty-path")
    afterSpec {
        deleteTree(pathDir)
        Files.deleteIfExists(emptyDir)
    }

    test("REDIS_URL is used as it is, and the fixture refuses to stop a server it did not start") {
        RedisServer.start().use { real ->
            resolver("REDIS_URL" to real.uri, "PATH" to emptyDir.toString()).start(options()).use { attached ->
                attached.source shouldBe "REDIS_URL"
                attached.isExternal shouldBe true
                attached.port shouldBe real.port
                attached.uri shouldBe real.uri
                attached.command("SET", "seen-through", "yes") shouldBe "OK"
                val e = shouldThrow<UnsupportedOperationException> { attached.stop() }
                e.message shouldBe "stop() needs a redis-server the fixture started itself, but REDIS_URL points to an " +
                    "external server (127.0.0.1:${real.port}); unset REDIS_URL to run fault-injection tests"
            }
            real.command("GET", "seen-through") shouldBe "yes"
        }
    }

    test("REDIS_URL credentials are used for the fixture's own commands") {
        RedisServer.start { password = "url secret" }.use { real ->
            real.uri shouldBe "redis://default:url%20secret@127.0.0.1:${real.port}"
            resolver("REDIS_URL" to real.uri).start(options()).use { attached ->
                attached.command("PING") shouldBe "PONG"
            }
        }
    }

    test("REDIS_URL is passed over when the options need a server the fixture starts itself") {
        RedisServer.start().use { real ->
            resolver("REDIS_URL" to real.uri, "PATH" to pathDir.toString())
                .start(options { unixSocket = true }).use { started ->
                    started.source shouldBe "redis-server on PATH ($pathRedis)"
                    started.port shouldNotBe real.port
                }
        }
    }

    test("a redis-server on PATH is run before the embedded binary") {
        resolver("PATH" to pathDir.toString()).start(options()).use {
            it.source shouldBe "redis-server on PATH ($pathRedis)"
            it.command("PING") shouldBe "PONG"
        }
    }

    test("HIVEPOOL_IGNORE_REDIS_ON_PATH passes over a redis-server on PATH, as on a machine without one") {
        resolver("PATH" to pathDir.toString(), "HIVEPOOL_IGNORE_REDIS_ON_PATH" to "true").start(options()).use {
            it.source shouldBe "embedded-redis"
        }
        val e = shouldThrow<RedisServerUnavailableException> {
            resolver("PATH" to pathDir.toString(), "HIVEPOOL_IGNORE_REDIS_ON_PATH" to "1", embedded = EmbeddedBinary { "none" })
                .start(options())
        }
        e.attempts[2] shouldBe "redis-server on PATH: ignored, since HIVEPOOL_IGNORE_REDIS_ON_PATH is set to 1"
        resolver("PATH" to pathDir.toString(), "HIVEPOOL_IGNORE_REDIS_ON_PATH" to "false").start(options()).use {
            it.source shouldBe "redis-server on PATH ($pathRedis)"
        }
    }

    test("the switch is also read from the system property hivepool.ignoreRedisOnPath; the variable wins") {
        val variable = System.getenv("HIVEPOOL_IGNORE_REDIS_ON_PATH")
        val before = System.getProperty("hivepool.ignoreRedisOnPath")
        try {
            System.setProperty("hivepool.ignoreRedisOnPath", "true")
            ServerResolver.ignoresPath(ServerResolver.systemEnv) shouldBe (variable == null || ServerResolver.ignoresPath { variable })
        } finally {
            if (before == null) System.clearProperty("hivepool.ignoreRedisOnPath") else System.setProperty("hivepool.ignoreRedisOnPath", before)
        }
    }

    test("REDIS_SERVER names the binary to run") {
        resolver("REDIS_SERVER" to pathRedis.toString(), "PATH" to emptyDir.toString()).start(options()).use {
            it.source shouldBe "REDIS_SERVER ($pathRedis)"
            it.command("PING") shouldBe "PONG"
        }
    }

    test("executable names the one binary to run, ahead of REDIS_URL and PATH") {
        RedisServer.start().use { other ->
            resolver("REDIS_URL" to other.uri, "PATH" to pathDir.toString()).start(options { executable = pathRedis }).use {
                it.source shouldBe "executable ($pathRedis)"
                it.port shouldNotBe other.port
                it.command("PING") shouldBe "PONG"
            }
        }
    }

    test("a missing executable fails at once, without trying the other ways") {
        val e = shouldThrow<RedisServerUnavailableException> {
            resolver("PATH" to pathDir.toString()).start(options { executable = emptyDir.resolve("redis-server") })
        }
        e.attempts shouldBe listOf("executable: ${emptyDir.resolve("redis-server")} does not exist or is not a file")
    }

    test("with nothing on PATH the binary shipped in embedded-redis really starts a server") {
        resolver().start(options()).use {
            it.source shouldBe "embedded-redis"
            it.version shouldStartWith "6.2."
            it.command("SET", "k", "v") shouldBe "OK"
            it.command("GET", "k") shouldBe "v"
        }
    }

    test("a REDIS_SERVER that exits at start falls through to the next way") {
        resolver("REDIS_SERVER" to "/bin/false").start(options()).use {
            it.source shouldBe "embedded-redis"
        }
    }

    test("when no way works the error lists each way tried and why it failed") {
        val e = shouldThrow<RedisServerUnavailableException> {
            resolver(
                "REDIS_SERVER" to "/nonexistent/redis-server",
                "PATH" to emptyDir.toString(),
                embedded = EmbeddedBinary { "no-such-redis-binary" },
            ).start(options())
        }
        e.message shouldBe """
            no Redis server could be started for the tests; tried, in order:
              1. REDIS_URL: not set
              2. REDIS_SERVER: /nonexistent/redis-server does not exist or is not a file
              3. redis-server on PATH: not found in PATH ($emptyDir)
              4. embedded-redis: resource 'no-such-redis-binary' not found on the classpath (is embedded-redis 1.4.x there?)
              5. testcontainers: Docker is not available
            Install redis-server (e.g. apt-get install redis-server), set REDIS_SERVER to a redis-server binary, or set REDIS_URL to a running server.
        """.trimIndent()
        e.attempts.size shouldBe 5
    }

    test("the Testcontainers way starts a container when Docker answers and says so when it does not") {
        val docker = org.testcontainers.DockerClientFactory.instance().isDockerAvailable
        val start = {
            ServerResolver(mapOf<String, String>()::get, EmbeddedBinary { "none" }, ContainerStarter.DEFAULT).start(options())
        }
        if (docker) {
            start().use { it.source shouldBe "testcontainers"; it.command("PING") shouldBe "PONG" }
        } else {
            shouldThrow<RedisServerUnavailableException>(start).attempts.last() shouldBe
                "testcontainers: Docker is not available"
        }
    }

    test("a REDIS_URL that does not answer is reported and passed over") {
        val deadPort = java.net.ServerSocket(0).use { it.localPort }
        val e = shouldThrow<RedisServerUnavailableException> {
            resolver("REDIS_URL" to "redis://127.0.0.1:$deadPort", embedded = EmbeddedBinary { "none" }).start(options())
        }
        e.attempts[0] shouldStartWith "REDIS_URL: set to redis://127.0.0.1:$deadPort, but it does not answer PING: java.net.ConnectException"
    }
})
