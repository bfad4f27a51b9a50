package io.hivepool.ktor

import io.hivepool.redis.RedisPool
import io.hivepool.redis.ping
import io.hivepool.redis.redisPool
import io.hivepool.testing.RedisServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.ktor.client.request.get
import io.ktor.server.application.install
import io.ktor.client.statement.bodyAsText
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.route
import io.ktor.server.routing.routing
import io.ktor.server.testing.testApplication

class RedisPluginRouteScopeSpec : FunSpec({
    val redis = install(RedisServerExtension())

    fun newPool(name: String): RedisPool = redisPool { uri = redis.uri; maxSize = 2; this.name = name }

    test("a route-scoped install serves its routes from its own pool and the root install the rest") {
        newPool("root").closing { root ->
            newPool("cache").closing { cache ->
                testApplication {
                    application {
                        routing {
                            install(Redis) { pool = root }
                            get("/a") { call.redis().ping(); call.respondText(call.redisPool.name) }
                            route("/cache") {
                                install(Redis) { pool = cache }
                                get("/b") { call.redis().ping(); call.respondText("${call.redisPool.name} ${call.application.redisPool.name}") }
                            }
                        }
                    }
                    client.get("/a").bodyAsText() shouldBe "root"
                    client.get("/cache/b").bodyAsText() shouldBe "cache root"
                }
                root.stats.hits + root.stats.misses shouldBe 1
                cache.stats.hits + cache.stats.misses shouldBe 1
                root.stats.inUse shouldBe 0
                cache.stats.inUse shouldBe 0
            }
        }
    }

    test("only the routes under a route-scoped install get a connection") {
        newPool("scoped").closing { pool ->
            testApplication {
                application {
                    routing {
                        route("/with") {
                            install(Redis) { this.pool = pool }
                            get { call.respondText(call.redis().ping()) }
                        }
                        get("/without") { call.respondText(runCatching { call.redis() }.isFailure.toString()) }
                    }
                }
                client.get("/with").bodyAsText() shouldBe "PONG"
                client.get("/without").bodyAsText() shouldBe "true"
            }
            pool.stats.inUse shouldBe 0
        }
    }
})
