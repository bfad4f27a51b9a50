package io.hivepool.ktor

import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.get
import io.hivepool.redis.ping
import io.hivepool.redis.redisPool
import io.hivepool.testing.RedisServer
import io.hivepool.testing.RedisServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.install
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import io.ktor.server.testing.testApplication
import org.slf4j.event.Level
import kotlin.time.Duration.Companion.milliseconds

class RedisPluginOutageSpec : FunSpec({
    val redis = install(RedisServerExtension())

    /** `/broken`: kills its own leased connection server-side, then runs a command on it. */
    fun Application.brokenRoute() = routing {
        get("/broken") {
            val conn = call.redis()
            redis.command("CLIENT", "KILL", "ID", conn.clientId.toString())
            call.respondText(conn.get("k") ?: "none")
        }
        get("/ok") { call.respondText(call.redis().get("k") ?: "none") }
    }

    test("a connection failing under a call's command is a 503 with Retry-After, logged once at WARN without a stack trace") {
        redisPool { uri = redis.uri; name = "web" }.closing { pool ->
            val log = RecordingLogger()
            testApplication {
                environment { this.log = log }
                application {
                    install(Redis) { this.pool = pool }
                    brokenRoute()
                }
                repeat(2) {
                    val response = client.get("/broken")
                    response.status shouldBe HttpStatusCode.ServiceUnavailable
                    response.headers[HttpHeaders.RetryAfter] shouldBe "1"
                    response.bodyAsText() shouldBe "Service Unavailable: the connection to Redis failed, retry later"
                }
                client.get("/ok").bodyAsText() shouldBe "none" // the broken connections were discarded, not reused
            }
            val warnings = log.at(Level.WARN)
            warnings shouldHaveSize 1
            warnings[0].throwable shouldBe null
            warnings[0].message shouldStartWith "Redis unavailable (pool web), answered 503 to GET /broken: RedisConnectionException: "
            log.at(Level.DEBUG).filter { it.message.startsWith("Redis unavailable (pool web)") } shouldHaveSize 1
            log.at(Level.ERROR) shouldHaveSize 0
            pool.connections.leased shouldBe 0
        }
    }

    test("a pool-level command that gets no reply within commandTimeout (Redis frozen) is a 503 too") {
        RedisServer.start().use { frozen ->
            redisPool { uri = frozen.uri; name = "frozen"; commandTimeout = 300.milliseconds }.closing { pool ->
                pool.ping() // the shared connection is open before the freeze
                testApplication {
                    application {
                        install(Redis) { this.pool = pool }
                        routing { get("/greeting") { call.respondText(call.application.redisPool.get("greeting") ?: "none") } }
                    }
                    frozen.pause()
                    try {
                        val response = client.get("/greeting")
                        response.status shouldBe HttpStatusCode.ServiceUnavailable
                        response.bodyAsText() shouldBe "Service Unavailable: the connection to Redis failed, retry later"
                    } finally {
                        frozen.resume()
                    }
                }
            }
        }
    }

    test("with unavailableOnConnectionFailure = false the failure goes through to Ktor's own error handling") {
        redisPool { uri = redis.uri }.closing { pool ->
            val log = RecordingLogger()
            testApplication {
                environment { this.log = log }
                application {
                    install(Redis) { this.pool = pool; unavailableOnConnectionFailure = false }
                    brokenRoute()
                }
                // The test engine may rethrow the handler's exception to the client; a real engine answers 500.
                val response = runCatching { client.get("/broken") }.getOrNull()
                response?.status shouldBe response?.let { HttpStatusCode.InternalServerError }
            }
            log.at(Level.WARN) shouldHaveSize 0
            log.at(Level.ERROR).any { it.throwable is RedisConnectionException } shouldBe true
        }
    }
})
