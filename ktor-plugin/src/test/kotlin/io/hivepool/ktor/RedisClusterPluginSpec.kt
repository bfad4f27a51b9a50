package io.hivepool.ktor

import io.hivepool.pool.PoolClosedException
import io.hivepool.redis.cluster.RedisClusterPool
import io.hivepool.redis.cluster.redisCluster
import io.hivepool.redis.get
import io.hivepool.redis.incr
import io.hivepool.redis.set
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldMatch
import io.kotest.matchers.string.shouldStartWith
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.install
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import io.ktor.server.testing.testApplication
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import io.hivepool.testing.RedisCluster as ClusterFixture

class RedisClusterPluginSpec : FunSpec({
    val fixture = ClusterFixture.start { primaries = 3 }
    afterSpec { fixture.close() }

    fun keyOn(node: Int): String = (0..100_000).map { "kc:$it" }.first { fixture.ownerOf(it) == fixture.nodes[node] }

    test("a cluster the plugin built serves commands from a call, routed by slot, and is closed when the application stops") {
        var owned: RedisClusterPool? = null
        testApplication {
            application {
                install(RedisCluster) { seeds = fixture.seeds; configureCluster { maxSizePerNode = 2; name = "ktor-cluster" } }
                owned = redisCluster
                routing {
                    get("/visit/{key}") { call.respondText(call.redisCluster.incr(call.parameters["key"]!!).toString()) }
                    get("/read/{key}") { call.respondText(call.application.redisCluster.get(call.parameters["key"]!!) ?: "none") }
                }
            }
            for (node in 0 until 3) {
                val key = keyOn(node)
                client.get("/visit/$key").bodyAsText() shouldBe "1"
                client.get("/visit/$key").bodyAsText() shouldBe "2"
                fixture.nodes[node].command("GET", key) shouldBe "2"
                client.get("/read/$key").bodyAsText() shouldBe "2"
            }
        }
        val closed = owned!!
        closed.config.name shouldBe "ktor-cluster"
        closed.config.node.pool.maxSize shouldBe 2
        shouldThrow<PoolClosedException> { closed.get("kc:after") }.message shouldBe "cluster client ktor-cluster is closed"
    }

    test("a cluster passed in is used as it is and left open when the application stops") {
        val mine = redisCluster { seeds = fixture.seeds; name = "mine" }
        try {
            testApplication {
                application {
                    install(RedisCluster) { cluster = mine }
                    routing { get("/") { call.respondText(call.redisCluster.config.name) } }
                }
                client.get("/").bodyAsText() shouldBe "mine"
            }
            mine.set("kc:still-open", "yes") shouldBe true
            mine.get("kc:still-open") shouldBe "yes"
        } finally {
            mine.close()
        }
    }

    test("setting both cluster and seeds is refused at install, naming both") {
        val mine = redisCluster { seeds = fixture.seeds; name = "both" }
        try {
            val e = shouldThrow<IllegalArgumentException> {
                testApplication {
                    application { install(RedisCluster) { cluster = mine; seeds = fixture.seeds } }
                    client.get("/")
                }
            }
            e.message shouldBe "set either cluster (a client you own) or seeds/configureCluster (a client the plugin owns), not both"
        } finally {
            mine.close()
        }
    }

    test("the health route reports every primary UP; with a primary down it answers 503, and so does a call on its keys") {
        testApplication {
            application {
                install(RedisCluster) {
                    seeds = fixture.seeds
                    configureCluster { name = "ktor-health"; node { commandTimeout = 300.milliseconds; connectTimeout = 300.milliseconds } }
                }
                routing {
                    redisClusterHealth()
                    get("/read/{key}") { call.respondText(call.redisCluster.get(call.parameters["key"]!!) ?: "none") }
                }
            }
            val keys = (0 until 3).map(::keyOn)
            keys.forEach { client.get("/read/$it").status shouldBe HttpStatusCode.OK } // opens a pool on every primary
            val up = client.get("/health/redis")
            up.status shouldBe HttpStatusCode.OK
            val body = up.bodyAsText()
            body shouldStartWith """{"status":"UP","cluster":"ktor-health","primaries":3,"nodes":{"""
            for (n in fixture.nodes) body shouldMatch Regex(""".*"127\.0\.0\.1:${n.port}":\{"pingMillis":[0-9.E-]+,"pool":\{"name":"ktor-health-127\.0\.0\.1:${n.port}".*""")

            val victim = fixture.nodes[2]
            victim.stop()
            try {
                val down = client.get("/health/redis")
                down.status shouldBe HttpStatusCode.ServiceUnavailable
                down.bodyAsText() shouldStartWith """{"status":"DOWN","error":"""
                val call = client.get("/read/${keys[2]}")
                call.status shouldBe HttpStatusCode.ServiceUnavailable
                call.headers[HttpHeaders.RetryAfter] shouldBe "1"
                call.bodyAsText() shouldContain "Service Unavailable"
            } finally {
                victim.restart()
                fixture.awaitHealthy()
            }
            // the node pool may still be in its fail-fast window after the outage: it recovers by itself
            withTimeout(10.seconds) { while (client.get("/health/redis").status != HttpStatusCode.OK) delay(50.milliseconds) }
        }
    }
})
