package io.hivepool.samples

import io.hivepool.pool.ConnectionInfo
import io.hivepool.pool.ConnectionManager
import io.hivepool.pool.Pool
import io.hivepool.pool.PoolStats
import io.ktor.network.selector.SelectorManager
import io.ktor.network.sockets.ServerSocket
import io.ktor.network.sockets.Socket
import io.ktor.network.sockets.aSocket
import io.ktor.network.sockets.isClosed
import io.ktor.network.sockets.openReadChannel
import io.ktor.network.sockets.openWriteChannel
import io.ktor.network.sockets.port
import io.ktor.utils.io.readLine
import io.ktor.utils.io.readLineStrict
import io.ktor.utils.io.writeStringUtf8
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import java.io.EOFException
import java.io.PrintStream
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

/**
 * The generic pool with no Redis in sight: raw TCP connections (ktor-network) to a small line echo server.
 * Twenty concurrent requests share at most four connections; a connection the server hangs up on is destroyed,
 * not handed out again.
 *
 * Run it with `mvn -B -ntp -q -pl samples -am compile exec:java -Dexec.mainClass=io.hivepool.samples.EchoSampleKt`.
 */
fun main() {
    runEchoSample()
}

/** What the echo sample saw; its test checks it. */
data class EchoReport(val replies: List<String>, val serverAccepted: Int, val stats: PoolStats)

/** Runs the sample, printing to [out]. Blocks until done. */
fun runEchoSample(out: PrintStream = System.out): EchoReport = runBlocking {
    SelectorManager(Dispatchers.IO).use { selector ->
        EchoServer.start(selector, this).use { server ->
            val pool = Pool(EchoConnectionManager(selector, "127.0.0.1", server.port)) {
                name = "echo"
                maxSize = 4
                validateAfterIdle = 30.seconds // a connection idle this long is checked with a round trip first
            }
            try {
                val replies = (1..20).map { i -> async { pool.use { it.echo("message $i") } } }.awaitAll()
                out.println("echo: ${replies.size} replies over ${server.accepted.get()} TCP connections (maxSize 4)")

                val hangUp = runCatching { pool.use { it.echo("quit") } }.exceptionOrNull()
                out.println("echo: the server hung up on one connection (${hangUp?.javaClass?.simpleName}); the pool destroyed it")
                out.println("echo: after one more request: ${pool.use { it.echo("still here") }}")

                pool.close(grace = 1.seconds)
                val stats = pool.stats
                out.println("echo pool: created=${stats.created} destroyedBroken=${stats.destroyedBroken} hits=${stats.hits} misses=${stats.misses}")
                EchoReport(replies, server.accepted.get(), stats)
            } finally {
                pool.close()
            }
        }
    }
}

/** One pooled TCP connection to the echo server: a line out, the same line back. */
class EchoConnection(private val socket: Socket) {
    private val input = socket.openReadChannel()
    private val output = socket.openWriteChannel(autoFlush = true)

    @Volatile
    private var failed = false

    /** True once a round trip failed or the socket closed: the pool must not hand it out again. */
    val isBroken: Boolean get() = failed || socket.isClosed || input.isClosedForRead

    /** Sends [line] and returns the echo. Cancellable; a failure (or cancellation mid-way) marks the connection broken. */
    suspend fun echo(line: String): String = try {
        output.writeStringUtf8("$line\n")
        input.readLineStrict() ?: throw EOFException("the echo server hung up")
    } catch (e: Throwable) {
        failed = true
        throw e
    }

    /** Closes the socket. */
    fun close() {
        socket.close()
    }
}

/** How the pool makes, checks and closes [EchoConnection]s. */
class EchoConnectionManager(
    private val selector: SelectorManager,
    private val host: String,
    private val port: Int,
) : ConnectionManager<EchoConnection> {
    override suspend fun create(): EchoConnection = EchoConnection(aSocket(selector).tcp().connect(host, port))

    override suspend fun recycle(conn: EchoConnection, info: ConnectionInfo): Boolean = conn.echo("ping") == "ping"

    override fun isBroken(conn: EchoConnection): Boolean = conn.isBroken

    override suspend fun destroy(conn: EchoConnection) {
        conn.close()
    }
}

/** A line echo server on a free loopback port; the line `quit` makes it hang up. */
class EchoServer private constructor(private val socket: ServerSocket) : AutoCloseable {
    /** Connections accepted so far. */
    val accepted: AtomicInteger = AtomicInteger()
    private var loop: Job? = null

    /** The port it listens on. */
    val port: Int get() = socket.port

    override fun close() {
        loop?.cancel()
        socket.close()
    }

    companion object {
        /** Binds and starts accepting in [scope]; close it to stop. */
        suspend fun start(selector: SelectorManager, scope: CoroutineScope): EchoServer {
            val server = EchoServer(aSocket(selector).tcp().bind("127.0.0.1", 0))
            server.loop = scope.launch(Dispatchers.IO) {
                while (true) {
                    val client = server.socket.accept()
                    server.accepted.incrementAndGet()
                    launch { client.use { serve(it) } }
                }
            }
            return server
        }

        private suspend fun serve(client: Socket) {
            val input = client.openReadChannel()
            val output = client.openWriteChannel(autoFlush = true)
            while (true) {
                val line = input.readLine() ?: return
                if (line == "quit") return
                output.writeStringUtf8("$line\n")
            }
        }
    }
}
