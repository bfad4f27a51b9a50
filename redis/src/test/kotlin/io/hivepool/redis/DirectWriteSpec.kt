package io.hivepool.redis

import io.hivepool.redis.internal.RealRedisConnection
import io.hivepool.testing.RedisServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * The direct write path: callers encode into the connection's buffer and the one flusher writes whole buffers to
 * the socket; when the socket is full, a writer coroutine finishes on the selector. Commands written by many
 * callers at once must never interleave bytes, however the kernel splits the writes.
 */
class DirectWriteSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("64 callers writing 256 KiB values at once on one connection each read back exactly their own value") {
        val seed = Random.nextLong()
        withClue("seed=$seed") {
            val random = Random(seed)
            val values = List(64) { i -> ByteArray(256 * 1024) { (i + it % 251).toByte() }.also { random.nextBytes(it, 0, 16) } }
            RedisConnection.connect(server.uri).use { conn ->
                withTimeout(60.seconds) {
                    withContext(Dispatchers.Default) {
                        coroutineScope {
                            values.mapIndexed { i, v ->
                                async {
                                    conn.set("big$i".toByteArray(), v) shouldBe true
                                    conn.send(Command(listOf("GET", "big$i")) { (it as RespValue.BulkString).bytes }).contentEquals(v)
                                }
                            }.awaitAll().count { !it } shouldBe 0
                        }
                    }
                }
                (conn as RealRedisConnection).pendingCount shouldBe 0
            }
        }
    }

    test("commands written while the server is paused queue up behind a full socket and are all answered in order after it resumes") {
        RedisConnection.connect(server.uri).use { conn ->
            val value = ByteArray(512 * 1024) { it.toByte() }
            withContext(Dispatchers.Default) {
                server.pause()
                val replies = try {
                    val jobs = List(32) { i ->
                        async { conn.set("paused$i".toByteArray(), value); conn.send(Command(listOf("STRLEN", "paused$i")) { (it as RespValue.Integer).value }) }
                    }
                    // 16 MiB cannot fit in the socket buffers of a stopped server: the writer must be waiting on the selector.
                    delay(200.milliseconds)
                    (conn as RealRedisConnection).pendingCount shouldBe 32
                    server.resume()
                    withTimeout(30.seconds) { jobs.awaitAll() }
                } finally {
                    server.resume()
                }
                replies shouldBe List(32) { value.size.toLong() }
            }
            conn.ping() shouldBe "PONG"
        }
    }
})
