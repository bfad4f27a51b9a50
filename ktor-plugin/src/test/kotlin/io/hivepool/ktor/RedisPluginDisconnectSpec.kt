package io.hivepool.ktor

import io.hivepool.redis.ping
import io.hivepool.redis.redisPool
import io.hivepool.testing.RedisServerExtension
import io.kotest.assertions.nondeterministic.eventually
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldEndWith
import io.ktor.server.application.install
import io.ktor.server.engine.embeddedServer
import io.ktor.server.http.HttpRequestLifecycle
import io.ktor.server.netty.Netty
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.withTimeout
import java.net.Socket
import kotlin.time.Duration.Companion.seconds

class RedisPluginDisconnectSpec : FunSpec({
    val redis = install(RedisServerExtension())

    test("a client that hangs up mid-call on Netty (with cancelCallOnClose) gets the call's lease back to the pool") {
        redisPool { uri = redis.uri; maxSize = 2; name = "netty" }.closing { pool ->
            val leased = CompletableDeferred<Unit>()
            val server = embeddedServer(Netty, port = 0) {
                // Without this Ktor lets a call run on after its client left; the lease is then held until the
                // handler returns on its own.
                install(HttpRequestLifecycle) { cancelCallOnClose = true }
                install(Redis) { this.pool = pool }
                routing {
                    get("/ping") { call.respondText(call.redis().ping()) }
                    get("/slow") {
                        call.redis().ping()
                        leased.complete(Unit)
                        awaitCancellation() // only the client going away ends this call
                    }
                }
            }.start(wait = false)
            try {
                val port = server.engine.resolvedConnectors().first().port
                Socket("127.0.0.1", port).use { client ->
                    client.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n".toByteArray())
                    client.getOutputStream().flush()
                    withTimeout(10.seconds) { leased.await() }
                    pool.stats.inUse shouldBe 1
                }
                eventually(10.seconds) { pool.stats.inUse shouldBe 0 }
                pool.stats.destroyedBroken + pool.stats.destroyedClosed shouldBe 1
                Socket("127.0.0.1", port).use { client -> // the server itself lives on
                    client.getOutputStream().write("GET /ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".toByteArray())
                    client.getInputStream().readBytes().decodeToString() shouldEndWith "PONG"
                }
            } finally {
                server.stop(gracePeriodMillis = 0, timeoutMillis = 2_000)
            }
        }
    }
})
