package io.hivepool.redis

import io.hivepool.redis.internal.IoLoop
import io.hivepool.redis.internal.LoopReader
import io.hivepool.redis.internal.afterReads
import io.hivepool.redis.pool.clientsNamed
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
import java.nio.ByteBuffer
import java.nio.channels.Pipe
import java.nio.channels.SelectableChannel
import java.util.Collections
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

    // A lease released on the loop hands its connection to the next waiter, whose command is written there: the
    // threads and coroutines the replies wake must not compete for the CPU before every ready reply is handled.
    test("what the loop hands over (resumptions, futures) waits until every socket ready in that round has been read") {
        val loop = IoLoop.next()
        val events = Collections.synchronizedList(mutableListOf<String>())
        val holding = CountDownLatch(1)
        val hold = CountDownLatch(1)
        // The holder keeps the loop busy while both pipes are written, so that both are ready in the loop's next round.
        val holder = PipeReader("holder") {
            holding.countDown()
            hold.await(5, TimeUnit.SECONDS)
        }
        val a = PipeReader("a") { events += "read a"; afterReads { events += "handed over a" } }
        val b = PipeReader("b") { events += "read b"; afterReads { events += "handed over b" } }
        try {
            listOf(holder, a, b).forEach { loop.register(it) }
            holder.send()
            holding.await(5, TimeUnit.SECONDS) shouldBe true
            a.send()
            b.send()
            hold.countDown()
            withTimeout(5.seconds) { while (events.size < 4) delay(5.milliseconds) }
            withClue("events: $events") {
                events.take(2).toSet() shouldBe setOf("read a", "read b")
                events.drop(2).toSet() shouldBe setOf("handed over a", "handed over b")
            }
        } finally {
            listOf(holder, a, b).forEach { it.close(loop) }
        }
    }

    test("a hand-over that fails is logged and the loop runs the next one and goes on reading") {
        val loop = IoLoop.next()
        val events = Collections.synchronizedList(mutableListOf<String>())
        val reader = PipeReader("r") {
            afterReads { error("a failing hand-over") }
            afterReads { events += "next hand-over" }
        }
        try {
            loop.register(reader)
            reader.send()
            withTimeout(5.seconds) { while (events.size < 1) delay(5.milliseconds) }
            reader.send()
            withTimeout(5.seconds) { while (events.size < 2) delay(5.milliseconds) }
            events shouldBe listOf("next hand-over", "next hand-over")
        } finally {
            reader.close(loop)
        }
    }

    // A registration fails outside any select round (the channel was closed first): what its failure hands over
    // (a handshake command's failure, say) must reach its caller now, not at the loop's next event, which may never come.
    test("what a failed registration hands over runs at once, with no further event on the loop") {
        val loop = IoLoop.next()
        val handedOver = CountDownLatch(1)
        val reader = object : LoopReader {
            override val channel: SelectableChannel = Pipe.open().source().apply { configureBlocking(false); close() }
            override fun onReadable() = Unit
            override fun onLoopFailure(cause: Throwable) = afterReads { handedOver.countDown() }
        }
        loop.register(reader)
        handedOver.await(5, TimeUnit.SECONDS) shouldBe true
    }

    // A pool destroys a connection and only then opens its replacement. The JDK releases a socket registered with a
    // selector only when the selector drops its key, but it sends the FIN at close: the server must stop counting the
    // old client at once, not when our loop gets to it. The loops are held busy here, so they cannot drop any key.
    test("a closed connection leaves the server at once, even while its I/O loop cannot drop the socket yet") {
        RedisServer.start().use { server ->
            val conn = RedisConnection.connect(RedisURI.parse("${server.uri}?clientName=leaving"))
            conn.ping()
            server.clientsNamed("leaving") shouldBe 1
            val hold = CountDownLatch(1)
            val holding = CountDownLatch(IoLoop.COUNT)
            val holders = List(IoLoop.COUNT) { i -> PipeReader("holder$i") { holding.countDown(); hold.await(10, TimeUnit.SECONDS) } }
            val loops = holders.map { holder -> IoLoop.next().also { it.register(holder) } }
            try {
                holders.forEach { it.send() }
                holding.await(5, TimeUnit.SECONDS) shouldBe true
                conn.close()
                withClue("the server still counts the closed client while its loop is busy") {
                    withTimeout(3.seconds) { while (server.clientsNamed("leaving") > 0) delay(10.milliseconds) }
                }
            } finally {
                hold.countDown()
                holders.zip(loops).forEach { (holder, loop) -> holder.close(loop) }
            }
        }
    }

    test("off the I/O loop, a hand-over runs at once in the calling thread") {
        var ranOn: Thread? = null
        afterReads { ranOn = Thread.currentThread() }
        ranOn shouldBe Thread.currentThread()
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

/** A loop reader over a pipe: [send] makes it readable; each round it drains the pipe and runs [onRead] once. */
private class PipeReader(val name: String, val onRead: () -> Unit) : LoopReader {
    private val pipe = Pipe.open()
    override val channel: SelectableChannel = pipe.source().apply { configureBlocking(false) }
    private val buffer = ByteBuffer.allocate(64)

    fun send() {
        pipe.sink().write(ByteBuffer.wrap(byteArrayOf(1)))
    }

    override fun onReadable() {
        while (pipe.source().read(buffer.clear()) > 0) Unit
        onRead()
    }

    override fun onLoopFailure(cause: Throwable) = throw AssertionError("reader $name failed", cause)

    fun close(loop: IoLoop) {
        pipe.source().close()
        pipe.sink().close()
        loop.release(pipe.source())
    }
}
