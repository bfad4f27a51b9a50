package io.hivepool.ktor

import io.hivepool.pool.PoolClosedException
import io.hivepool.redis.RedisPool
import io.hivepool.redis.get
import io.hivepool.redis.redisPool
import io.hivepool.redis.set
import io.hivepool.testing.RedisServerExtension
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.ktor.client.request.get
import io.ktor.server.application.install
import io.ktor.client.statement.bodyAsText
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import io.ktor.server.testing.testApplication

class RedisPluginLifecycleSpec : FunSpec({
    val redis = install(RedisServerExtension())

    test("a pool the plugin built is closed when the application stops") {
        var owned: RedisPool? = null
        testApplication {
            application {
                install(Redis) { uri = redis.uri; maxSize = 3; configurePool { name = "owned" } }
                owned = redisPool
                routing { get("/") { call.respondText(call.application.redisPool.get("lifecycle") ?: "none") } }
            }
            client.get("/").bodyAsText() shouldBe "none"
        }
        val pool = owned
        pool shouldNotBe null
        pool!!.name shouldBe "owned"
        pool.config.pool.maxSize shouldBe 3
        shouldThrow<PoolClosedException> { pool.acquire() }.message shouldBe "pool owned is closed"
    }

    test("a pool handed to the plugin stays open after the application stops") {
        redisPool { uri = redis.uri }.closing { pool ->
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    routing { get("/") { call.application.redisPool.set("lifecycle", "kept"); call.respondText("ok") } }
                }
                client.get("/").bodyAsText() shouldBe "ok"
            }
            pool.get("lifecycle") shouldBe "kept"
        }
    }

    test("giving a pool and settings for another one is refused at install") {
        redisPool { uri = redis.uri }.closing { pool ->
            testApplication {
                application {
                    val error = runCatching { install(Redis) { this.pool = pool; maxSize = 4 } }.exceptionOrNull()
                    error?.message shouldBe
                        "set either pool (a pool you own) or uri/maxSize/configurePool (a pool the plugin owns), not both"
                }
                startApplication()
            }
        }
    }

    test("application.redisPool without the plugin says how to install it") {
        testApplication {
            application {
                runCatching { redisPool }.exceptionOrNull()?.message shouldBe
                    "the Redis plugin is not installed in this application: install(Redis) { uri = \"redis://…\" } " +
                    "in the application or in routing { }; for a route-scoped install use call.redisPool"
            }
            startApplication()
        }
    }
})
