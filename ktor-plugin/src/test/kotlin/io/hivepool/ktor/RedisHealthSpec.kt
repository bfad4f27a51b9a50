package io.hivepool.ktor

import io.hivepool.redis.redisPool
import io.hivepool.testing.RedisServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldMatch
import io.kotest.matchers.string.shouldStartWith
import io.ktor.client.request.get
import io.ktor.server.application.install
import io.ktor.client.statement.bodyAsText
import io.ktor.http.ContentType
import io.ktor.http.HttpStatusCode
import io.ktor.http.contentType
import io.ktor.server.routing.routing
import io.ktor.server.testing.testApplication
import kotlin.time.Duration.Companion.seconds

class RedisHealthSpec : FunSpec({
    val redis = install(RedisServerExtension())

    test("the health route reports UP with the ping latency and the pool's stats as JSON") {
        redisPool { uri = redis.uri; name = "health" }.closing { pool ->
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    routing { redisHealth() }
                }
                val response = client.get("/health/redis")
                response.status shouldBe HttpStatusCode.OK
                response.contentType()?.withoutParameters() shouldBe ContentType.Application.Json
                response.bodyAsText() shouldMatch Regex(
                    // the PING went out on a shared connection: no lease, nothing idle
                    """\{"status":"UP","pingMillis":[0-9.E-]+,"pool":\{"name":"health","maxSize":16,"size":1,"idle":0,"inUse":0,""" +
                        """"shared":1,"waiters":0,"creating":0,"hits":\d+,"misses":\d+,"timeouts":0,"created":\d+,"createFailures":0,""" +
                        """"destroyed":0,"leaksDetected":0,"waitTimeMaxMillis":\d+}}""",
                )
            }
        }
    }

    test("the health route reports DOWN with 503 when Redis cannot be reached") {
        redisPool { uri = "redis://127.0.0.1:1"; name = "gone"; connectTimeout = 1.seconds }.closing { pool ->
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    routing { redisHealth("/health", timeout = 5.seconds) }
                }
                val response = client.get("/health")
                response.status shouldBe HttpStatusCode.ServiceUnavailable
                val body = response.bodyAsText()
                body shouldStartWith """{"status":"DOWN","error":"""
                body shouldContain """"pool":{"name":"gone","""
            }
        }
    }
})
