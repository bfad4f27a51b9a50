package io.hivepool.ktor

import io.hivepool.redis.RedisPool
import io.hivepool.redis.ping
import io.hivepool.redis.redisPool
import io.hivepool.testing.RedisServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.ktor.client.request.get
import io.ktor.server.application.install
import io.ktor.http.HttpStatusCode
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import io.ktor.server.testing.testApplication
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.job
import kotlinx.coroutines.yield

class RedisPluginReleaseSpec : FunSpec({
    val redis = install(RedisServerExtension())

    fun newPool(): RedisPool = redisPool { uri = redis.uri; maxSize = 4; name = "web" }

    test("no connection leaks after 1,000 calls whose handler throws") {
        newPool().closing { pool ->
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    routing {
                        get("/boom") {
                            call.redis().ping()
                            throw IllegalStateException("handler failed after using Redis")
                        }
                    }
                }
                repeat(1_000) { client.get("/boom").status shouldBe HttpStatusCode.InternalServerError }
            }
            pool.stats.inUse shouldBe 0
            pool.stats.size shouldBeLessThanOrEqual 4
            pool.stats.hits + pool.stats.misses shouldBe 1_000
            pool.stats.destroyed shouldBe 0 // a handler's own failure does not condemn a healthy connection
        }
    }

    test("a cancelled call gives its lease back and discards the connection, whose state is unknown") {
        newPool().closing { pool ->
            testApplication {
                application {
                    install(Redis) { this.pool = pool }
                    routing {
                        get("/gone") {
                            call.redis().ping()
                            currentCoroutineContext().job.cancel() // what the engine does when the client goes away
                            yield()
                        }
                    }
                }
                repeat(50) { runCatching { client.get("/gone") } }
            }
            pool.stats.inUse shouldBe 0
            pool.stats.destroyedBroken + pool.stats.destroyedClosed shouldBeGreaterThan 0
            pool.stats.hits + pool.stats.misses shouldBe 50
        }
    }
})
