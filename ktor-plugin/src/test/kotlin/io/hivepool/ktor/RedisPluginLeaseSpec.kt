package io.hivepool.ktor

import io.hivepool.redis.RedisPool
import io.hivepool.redis.clientId
import io.hivepool.redis.incr
import io.hivepool.redis.redisPool
import io.hivepool.testing.RedisServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.ktor.client.request.get
import io.ktor.server.application.install
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpStatusCode
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import io.ktor.server.testing.testApplication
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope

class RedisPluginLeaseSpec : FunSpec({
    val redis = install(RedisServerExtension())

    fun newPool(): RedisPool = redisPool { uri = redis.uri; maxSize = 4; name = "web" }

    test("a call that never asks for Redis takes no lease") {
        newPool().closing { pool ->
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    routing { get("/plain") { call.respondText("no redis here") } }
                }
                client.get("/plain").bodyAsText() shouldBe "no redis here"
            }
            pool.stats.hits + pool.stats.misses shouldBe 0
            pool.stats.size shouldBe 0
        }
    }

    test("every use of call.redis() in one call returns the same connection from one lease") {
        newPool().closing { pool ->
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    routing {
                        get("/ids") {
                            val first = call.redis()
                            val ids = coroutineScope {
                                List(5) { async { call.redis().clientId() } }.awaitAll()
                            }
                            call.redis().incr("lease-spec-hits")
                            call.respondText("${first === call.redis()} ${ids.toSet().size} ${first.clientId() == ids[0]}")
                        }
                    }
                }
                client.get("/ids").bodyAsText() shouldBe "true 1 true"
            }
            pool.stats.hits + pool.stats.misses shouldBe 1
        }
    }

    test("the lease goes back to the pool when the call succeeds") {
        newPool().closing { pool ->
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    routing { get("/count") { call.respondText(call.redis().incr("lease-spec-count").toString()) } }
                }
                repeat(20) { client.get("/count").status shouldBe HttpStatusCode.OK }
            }
            pool.stats.inUse shouldBe 0
            pool.stats.created shouldBe 1
            pool.stats.destroyed shouldBe 0
        }
    }

    test("call.redis() outside a call covered by the plugin says how to install it") {
        testApplication {
            application {
                routing {
                    get("/none") {
                        val message = runCatching { call.redis() }.exceptionOrNull()?.message
                        call.respondText(message.toString())
                    }
                }
            }
            client.get("/none").bodyAsText() shouldBe
                "no Redis plugin serves this call: install(Redis) { } in the application or in a route enclosing " +
                "/none, and use call.redis() only while the call runs"
        }
    }
})
