package io.hivepool.testing

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.testing.internal.RespInput
import java.io.IOException
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.net.SocketException
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

private val log = KotlinLogging.logger {}

/**
 * A fake RESP server on a loopback port that answers with whatever bytes the test scripts, for
 * malformed, truncated, slow and hostile replies. Never use it where a real Redis would do: it only
 * knows what the handler tells it.
 *
 * Each accepted connection gets its own thread. Every request (a RESP array of bulk strings, or an
 * inline command split on spaces) calls [handler] with the request's arguments; the handler answers
 * through its [Session]: [Session.reply] raw bytes, [Session.close] the connection, [Session.silence]
 * it for good, or simply not reply to this one request. An exception in the handler closes that
 * connection.
 *
 * ```
 * FakeRespServer { request ->
 *     if (String(request[0]) == "PING") reply("+PONG\r\n") else reply("$5\r\nhal")  // truncated
 * }.use { fake -> connectTo(fake.uri) ... }
 * ```
 */
public class FakeRespServer internal constructor(
    bindPort: Int,
    private val handler: Session.(request: List<ByteArray>) -> Unit,
) : AutoCloseable {
    /** Listens on a free loopback port and runs [handler] for every request. */
    public constructor(handler: Session.(request: List<ByteArray>) -> Unit) : this(0, handler)

    private val server = ServerSocket(bindPort, 50, InetAddress.getLoopbackAddress())
    private val accepted = AtomicInteger()
    private val sessions = ConcurrentHashMap.newKeySet<Session>()

    @Volatile
    private var closed = false

    /** The loopback port the fake listens on. */
    public val port: Int = server.localPort

    /** `redis://127.0.0.1:<port>`. */
    public val uri: String = "redis://127.0.0.1:$port"

    /** Connections accepted so far (open or already closed). */
    public val connections: Int get() = accepted.get()

    private val acceptor = Thread(::acceptLoop, "fake-resp-accept-$port").apply {
        isDaemon = true
        start()
    }

    private fun acceptLoop() {
        while (!closed) {
            val socket = try {
                server.accept()
            } catch (e: IOException) {
                if (!closed) log.warn(e) { "fake RESP server on port $port stopped accepting" }
                return
            }
            accepted.incrementAndGet()
            val session = Session(socket)
            sessions += session
            if (closed) session.close()
            Thread({ session.serve() }, "fake-resp-conn-$port-${accepted.get()}").apply {
                isDaemon = true
                start()
            }
        }
    }

    /** One client connection, as seen by the handler. Its methods may be called from the handler only. */
    public inner class Session internal constructor(private val socket: Socket) {
        @Volatile
        private var silent = false

        /** Writes [bytes] as they are and flushes; nothing is added (no CRLF). */
        public fun reply(bytes: ByteArray) {
            socket.getOutputStream().apply {
                write(bytes)
                flush()
            }
        }

        /** Writes [text] (UTF-8) as it is, e.g. `"+OK\r\n"` or a deliberately broken `"$10\r\nshort"`. */
        public fun reply(text: String) {
            reply(text.toByteArray(Charsets.UTF_8))
        }

        /** Closes this connection; the client sees end of stream. */
        public fun close() {
            sessions -= this
            try {
                socket.close()
            } catch (_: IOException) {
                // already closed
            }
        }

        /** Never answer this connection again: requests are still read (and dropped), the socket stays open. */
        public fun silence() {
            silent = true
        }

        @JvmSynthetic // internal members of a public class are public (mangled) to Java
        internal fun serve() {
            try {
                val input = RespInput(socket.getInputStream().buffered())
                while (!socket.isClosed) {
                    val request = readRequest(input) ?: break
                    if (!silent) handler(request)
                }
            } catch (e: SocketException) {
                // closed by the handler, the client or close(); nothing to report
            } catch (e: Exception) {
                if (!socket.isClosed) log.warn(e) { "fake RESP server on port $port closes a connection" }
            } finally {
                close()
            }
        }

        private fun readRequest(input: RespInput): List<ByteArray>? {
            var line = input.readLineOrNull() ?: return null
            while (line.isEmpty()) line = input.readLineOrNull() ?: return null
            if (!line.startsWith("*")) {
                return line.trim().split(Regex(" +")).map { it.toByteArray(Charsets.UTF_8) }
            }
            val count = line.substring(1).toInt()
            return List(count) {
                val header = input.readLine()
                require(header.startsWith("$")) { "expected a bulk string header, got '$header'" }
                input.readBulk(header.substring(1).toInt())
            }
        }
    }

    /** Stops accepting and closes every connection; idempotent. */
    override fun close() {
        closed = true
        server.close()
        // Iterate the live set: sessions end (and leave it) concurrently, and a snapshot taken with toList()
        // could see one element by size() that is gone by the time it is read (NoSuchElementException).
        for (session in sessions) session.close()
        acceptor.join(5_000)
    }
}
