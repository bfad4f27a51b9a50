package io.hivepool.redis

import io.hivepool.redis.internal.IoLoop
import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Direct (TCP, Unix) connections are read by the process's few I/O loop threads, each serving many connections:
 * one connection's trouble must never reach the others, and a closed connection must let go of its socket at once.
 */
class IoLoopSpec : FunSpec({

    // Enough connections after the hostile one that every loop (round-robin) serves at least one of them.
    val healthyCount = 2 * IoLoop.COUNT

    test("a malformed reply breaks only its own connection: connections on every I/O loop keep answering") {
        withTimeout(20.seconds) {
            RedisServer.start().use { server ->
                fakeRedis { _, _ -> reply("?garbage\r\n") }.use { fake ->
                    val hostile = RedisConnection.connect(RedisURI.parse(fake.uri))
                    val healthy = List(healthyCount) { RedisConnection.connect(RedisURI.parse(server.uri)) }
                    try {
                        healthy.forEachIndexed { i, c -> c.set("k$i", "v$i") }
                        shouldThrow<RedisProtocolException> { hostile.get("k") }
                        hostile.isBroken shouldBe true
                        coroutineScope {
                            healthy.mapIndexed { i, c -> async { List(50) { c.get("k$i") } } }.awaitAll()
                        }.forEachIndexed { i, replies -> withClue("connection $i") { replies.toSet() shouldBe setOf("v$i") } }
                        healthy.forEach { it.isOpen shouldBe true }
                    } finally {
                        healthy.forEach { it.close() }
                    }
                }
            }
        }
    }

    test("replies of a direct connection are read on an I/O loop thread") {
        RedisServer.start().use { server ->
            val conn = RedisConnection.connect(RedisURI.parse(server.uri))
            try {
                conn.set("k", "v")
                var readOn = ""
                conn.pushHandler = { readOn = Thread.currentThread().name }
                conn.send(Command(listOf("SUBSCRIBE", "ch")) { }) // the confirmation is a push, handed over by the reader
                withTimeout(5.seconds) { while (readOn.isEmpty()) delay(5.milliseconds) }
                readOn shouldStartWith "hivepool-redis-io-"
            } finally {
                conn.close()
            }
        }
    }

    // The JDK defers closing a socket registered with a selector until that selector drops its key: without a
    // wake-up, an idle loop would keep every closed connection's descriptor open until its next event. The server
    // here answers PING and then stops reading, so it never closes its end: no event reaches the loops.
    test("closed connections let go of their sockets at once, even with nothing else happening on the loops") {
        val fds = File("/proc/self/fd")
        withClue("this test counts open descriptors in /proc/self/fd (Linux)") { fds.isDirectory shouldBe true }
        val released = CountDownLatch(1)
        fakeRedis { _, _ ->
            reply("+PONG\r\n")
            released.await(20, TimeUnit.SECONDS)
        }.use { fake ->
            try {
                val conns = List(20) { RedisConnection.connect(RedisURI.parse(fake.uri)) }
                conns.forEach { it.ping() }
                val open = fds.list()!!.size
                conns.forEach { it.close() }
                withTimeout(5.seconds) {
                    while (fds.list()!!.size > open - conns.size) delay(10.milliseconds)
                }
                fds.list()!!.size shouldBeLessThanOrEqual open - conns.size
            } finally {
                released.countDown()
            }
        }
    }
})
