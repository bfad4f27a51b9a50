package io.hivepool.redis

import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrowExactly
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldNotBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.seconds

class ConnectionFailureSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("a paused server fails every pending command with RedisTimeoutException after commandTimeout") {
        val conn = RedisConnection.connect(server.uri + "?commandTimeout=500ms")
        conn.ping() shouldBe "PONG"
        server.pause()
        try {
            val errors = withTimeout(20.seconds) {
                coroutineScope { (1..3).map { async { runCatching { conn.get("k$it") }.exceptionOrNull() } }.awaitAll() }
            }
            errors.forEach { it.shouldBeInstanceOf<RedisTimeoutException>() }
            errors.first()!!.message shouldBe "no reply to GET from redis://127.0.0.1:${server.port}/0 within 500ms (commandTimeout); " +
                "the connection was closed and 3 pending command(s) failed"
            conn.isBroken.shouldBeTrue()
            (errors.first() as RedisException).isConnectionFatal.shouldBeTrue()
        } finally {
            server.resume()
        }
        RedisConnection.connect(server.uri).use { it.ping() shouldBe "PONG" }
    }

    test("a server restart in the middle of traffic fails pending commands with RedisConnectionException, nothing hangs") {
        val conn = RedisConnection.connect(server.uri)
        val ok = AtomicLong()
        val failures = withTimeout(60.seconds) {
            withContext(Dispatchers.Default) {
                coroutineScope {
                    val started = CompletableDeferred<Unit>()
                    val workers = (1..50).map {
                        async {
                            try {
                                while (true) {
                                    conn.incr("traffic")
                                    if (ok.incrementAndGet() > 200) started.complete(Unit)
                                }
                            } catch (e: RedisException) {
                                e
                            }
                        }
                    }
                    started.await()
                    server.restart()
                    workers.awaitAll()
                }
            }
        }
        failures.shouldNotBeEmpty()
        failures.forEach { it.shouldBeInstanceOf<RedisConnectionException>() }
        conn.isBroken.shouldBeTrue()
        shouldThrowExactly<RedisConnectionException> { conn.ping() }
        RedisConnection.connect(server.uri).use { it.ping() shouldBe "PONG" }
    }

    test("a client killed by the server fails its pending command with RedisConnectionException") {
        val conn = RedisConnection.connect(server.uri)
        withTimeout(20.seconds) {
            coroutineScope {
                val blocked = async { runCatching { conn.execute("BLPOP", "nothing-here", 0) }.exceptionOrNull() }
                while (conn.state.blockingCommandsInFlight == 0) kotlinx.coroutines.delay(5)
                server.killClients()
                val e = blocked.await()
                e.shouldBeInstanceOf<RedisConnectionException>()
                e.message shouldBe "connection closed by the server (redis://127.0.0.1:${server.port}/0)"
            }
        }
        conn.isBroken.shouldBeTrue()
    }

    test("a command in flight when the connection is closed is failed with the cause, never lost") {
        val conn = RedisConnection.connect(server.uri)
        // The command is written straight to the socket by its caller; a stopped server cannot answer it, so it is
        // certainly pending when close() strikes.
        server.pause()
        val e = try {
            withTimeout(20.seconds) {
                withContext(Dispatchers.Unconfined) {
                    val sent = async(start = CoroutineStart.UNDISPATCHED) { runCatching { conn.get("k") }.exceptionOrNull() }
                    (conn as io.hivepool.redis.internal.RealRedisConnection).pendingCount shouldBe 1
                    conn.close()
                    sent.await()
                }
            }
        } finally {
            server.resume()
        }
        e.shouldBeInstanceOf<RedisConnectionException>()
        e.message shouldBe "connection to redis://127.0.0.1:${server.port}/0 was closed by the client"
    }
})
