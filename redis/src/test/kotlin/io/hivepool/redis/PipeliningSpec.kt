package io.hivepool.redis

import io.hivepool.testing.RedisServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.hivepool.redis.internal.RealRedisConnection
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class PipeliningSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    for (protocol in listOf(2, 3)) {
        test("10,000 concurrent commands on one RESP$protocol connection, some cancelled, each get their own reply") {
            val seed = Random.nextLong()
            withClue("seed=$seed") {
                val random = Random(seed)
                val n = 10_000
                // Plan everything up front: kotlin.random.Random is not thread-safe.
                val payloads = List(n) { i -> "v$i-" + random.nextBytes(random.nextInt(0, 64)).joinToString("") { "%02x".format(it) } }
                val cancelAt = List(n) { if (random.nextInt(5) == 0) random.nextInt(0, 3) else -1 }
                val mismatches = AtomicInteger()
                val completed = AtomicInteger()
                RedisConnection.connect("${server.uri}?protocol=$protocol").use { conn ->
                    withTimeout(120.seconds) {
                        withContext(Dispatchers.Default) {
                            coroutineScope {
                                val jobs = List(n) { i ->
                                    async {
                                        conn.set("k$i", payloads[i]) shouldBe true
                                        if (conn.echo(payloads[i]) != payloads[i]) mismatches.incrementAndGet()
                                        if (conn.get("k$i") != payloads[i]) mismatches.incrementAndGet()
                                        completed.incrementAndGet()
                                    }
                                }
                                for (i in 0 until n) {
                                    if (cancelAt[i] >= 0) {
                                        launch {
                                            repeat(cancelAt[i]) { yield() }
                                            jobs[i].cancel()
                                        }
                                    }
                                }
                                jobs.forEach { runCatching { it.await() }.exceptionOrNull()?.let { e -> if (e !is CancellationException) throw e } }
                            }
                        }
                    }
                    mismatches.get() shouldBe 0
                    conn.isOpen.shouldBeTrue()
                    conn.isDirty shouldBe false
                    // The stream is still in step after the cancellations: every key holds its own payload or nothing.
                    val stored = conn.mget(*Array(n) { "k$it" })
                    stored.forEachIndexed { i, v -> if (v != null && v != payloads[i]) mismatches.incrementAndGet() }
                    mismatches.get() shouldBe 0
                    (completed.get() >= n - cancelAt.count { it >= 0 }).shouldBeTrue()
                    conn.ping("after") shouldBe "after"
                    conn.flushdb()
                }
            }
        }
    }

    test("a caller cancelled while its command is in flight leaves the connection in step") {
        RedisConnection.connect(server.uri).use { conn ->
            conn.set("after-cancel", "mine")
            coroutineScope {
                val blocked = launch { conn.execute("BLPOP", "never-filled", "0.3") }
                while (conn.state.blockingCommandsInFlight == 0) delay(5.milliseconds)
                blocked.cancel()
            }
            // BLPOP's null reply (arriving later) must be dropped, not handed to this GET.
            conn.get("after-cancel") shouldBe "mine"
            conn.state.blockingCommandsInFlight shouldBe 0
            conn.isOpen.shouldBeTrue()
        }
    }

    test("commands queued while a write is under way leave together in the next flush") {
        val conn = RedisConnection.connect(server.uri) as RealRedisConnection
        val before = conn.flushes
        server.pause()
        try {
            coroutineScope {
                // 32 MiB cannot fit in the socket buffers of a paused server: the writer is stuck on it.
                val big = async { conn.set("big".toByteArray(), ByteArray(32 * 1024 * 1024)) }
                while (conn.pendingCount == 0) delay(5.milliseconds)
                val pings = (1..100).map { i -> async(start = CoroutineStart.UNDISPATCHED) { conn.ping("p$i") } }
                server.resume()
                big.await() shouldBe true
                pings.awaitAll() shouldBe (1..100).map { "p$it" }
            }
        } finally {
            server.resume()
        }
        (conn.flushes - before) shouldBe 2L
        conn.close()
    }

    test("many commands issued together all complete, whichever coroutine issues them") {
        RedisConnection.connect(server.uri).use { conn ->
            val replies = coroutineScope { (1..500).map { i -> async(Dispatchers.Default) { conn.incr("counter") } }.awaitAll() }
            replies.sorted() shouldBe (1L..500L).toList()
        }
    }
})
