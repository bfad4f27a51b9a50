package io.hivepool.ktor

import io.hivepool.redis.RedisPool
import io.hivepool.redis.ping
import io.hivepool.redis.redisPool
import io.hivepool.testing.RedisServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.ktor.client.request.get
import io.ktor.server.application.install
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import io.ktor.server.testing.testApplication
import org.slf4j.event.Level
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class RedisPluginExhaustionSpec : FunSpec({
    val redis = install(RedisServerExtension())

    fun newPool(): RedisPool = redisPool { uri = redis.uri; maxSize = 1; name = "tiny" }

    fun Application.pingRoute() = routing {
        get("/ping") { call.respondText(call.redis().ping()) }
    }

    test("a call that finds the pool exhausted past leaseTimeout gets 503 with Retry-After") {
        newPool().closing { pool ->
            val held = pool.acquire()
            val log = RecordingLogger()
            testApplication {
                environment { this.log = log }
                application {
                    install(Redis) { this.pool = pool; leaseTimeout = 200.milliseconds }
                    pingRoute()
                }
                val response = client.get("/ping")
                response.status shouldBe HttpStatusCode.ServiceUnavailable
                response.headers[HttpHeaders.RetryAfter] shouldBe "1"
                response.bodyAsText() shouldBe "Service Unavailable: no Redis connection is free, retry later"
                log.at(Level.DEBUG).map { it.message } shouldContain "Redis pool exhausted for /ping: timed out after 200ms " +
                    "waiting for a connection (pool=tiny, size=1, idle=0, inUse=1, shared=0, waiters=0)"
                log.at(Level.WARN).size shouldBe 0 // exhaustion is load, not an outage

                held.release()
                client.get("/ping").bodyAsText() shouldBe "PONG"
            }
            pool.stats.inUse shouldBe 0
        }
    }

    test("Retry-After is rounded up to whole seconds, and left out when retryAfter is null") {
        newPool().closing { pool ->
            val held = pool.acquire()
            testApplication {
                application {
                    install(Redis) { this.pool = pool; leaseTimeout = 100.milliseconds; retryAfter = 2500.milliseconds }
                    pingRoute()
                }
                client.get("/ping").headers[HttpHeaders.RetryAfter] shouldBe "3"
            }
            testApplication {
                application {
                    install(Redis) { this.pool = pool; leaseTimeout = 100.milliseconds; retryAfter = null }
                    pingRoute()
                }
                val response = client.get("/ping")
                response.status shouldBe HttpStatusCode.ServiceUnavailable
                response.headers[HttpHeaders.RetryAfter] shouldBe null
            }
            held.release()
        }
    }

    test("the pool's own exhaustion (no waiting allowed) is a 503 too") {
        redisPool { uri = redis.uri; maxSize = 1; maxWaiters = 0 }.closing { pool ->
            val held = pool.acquire()
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    pingRoute()
                }
                val response = client.get("/ping")
                response.status shouldBe HttpStatusCode.ServiceUnavailable
                response.headers[HttpHeaders.RetryAfter] shouldBe "1"
            }
            held.release()
        }
    }

    test("a Redis that cannot be reached is a 503 that says so") {
        redisPool { uri = "redis://127.0.0.1:1"; connectTimeout = 1.seconds }.closing { pool ->
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    pingRoute()
                }
                val response = client.get("/ping")
                response.status shouldBe HttpStatusCode.ServiceUnavailable
                response.bodyAsText() shouldBe "Service Unavailable: Redis cannot be reached, retry later"
            }
        }
    }

    test("a bad leaseTimeout fails the install with the field's name") {
        testApplication {
            application {
                val error = runCatching { install(Redis) { uri = redis.uri; leaseTimeout = 0.seconds } }.exceptionOrNull()
                error?.message shouldBe "leaseTimeout must be > 0, was 0s"
            }
            startApplication()
        }
    }
})
