package io.hivepool.testing.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.testing.TlsMaterial
import java.io.IOException
import java.io.InputStream
import java.io.OutputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.nio.file.Files
import java.security.KeyFactory
import java.security.KeyStore
import java.security.cert.CertificateFactory
import java.security.spec.PKCS8EncodedKeySpec
import java.util.Base64
import java.util.concurrent.ConcurrentHashMap
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLServerSocket
import javax.net.ssl.SSLSocket

private val log = KotlinLogging.logger {}

/**
 * The TLS port of a fixture server: a TLS listener in this JVM (the JDK's own TLS stack, TLS 1.2 and 1.3) that
 * forwards each connection's bytes to the server's plain port. Any redis-server can so serve TLS, with or
 * without being built for it, and no openssl is needed.
 *
 * It follows the server: [stop] closes the listener and every connection (clients see the TLS port refuse and
 * their connections end, as with a stopped redis-server), [start] opens it again on the same port. A connection
 * the server drops (CLIENT KILL, shutdown) is dropped on the TLS side too. One difference: while the server is
 * paused (SIGSTOP) the front still completes TLS handshakes; only the replies wait.
 */
internal class TlsFront(tls: TlsMaterial, private val host: String) {
    private val context: SSLContext = serverContext(tls)
    private val lock = Any()
    private var listener: SSLServerSocket? = null // guarded by lock
    private val sockets = ConcurrentHashMap.newKeySet<Socket>()

    @Volatile
    private var upstreamPort = 0

    /** Listens on [port] (0 = any free loopback port), forwarding to [upstreamPort]; returns the port. */
    fun start(upstreamPort: Int, port: Int): Int = synchronized(lock) {
        this.upstreamPort = upstreamPort
        check(listener == null) { "the TLS front is already listening on ${listener?.localPort}" }
        val server = context.serverSocketFactory.createServerSocket() as SSLServerSocket
        try {
            server.reuseAddress = true // restart() binds the same port again right after stop()
            server.enabledProtocols = server.supportedProtocols.filter { it == "TLSv1.2" || it == "TLSv1.3" }.toTypedArray()
            server.bind(InetSocketAddress(host, port), 50)
        } catch (e: IOException) {
            server.close()
            throw e
        }
        listener = server
        thread("hivepool-tls-accept-${server.localPort}") { acceptLoop(server) }
        server.localPort
    }

    /** Closes the listener and every connection through it. No-op when stopped. */
    fun stop() {
        synchronized(lock) {
            listener?.close()
            listener = null
        }
        for (socket in sockets) closeQuietly(socket) // weakly consistent: safe while connections end by themselves
    }

    private fun acceptLoop(server: SSLServerSocket) {
        while (true) {
            val client = try {
                server.accept() as SSLSocket
            } catch (e: IOException) {
                if (!server.isClosed) log.warn(e) { "TLS front on port ${server.localPort} stopped accepting" }
                return
            }
            sockets += client
            if (server.isClosed) closeQuietly(client) // stop() ran while we accepted
            thread("hivepool-tls-conn-${server.localPort}") { serve(client) }
        }
    }

    private fun serve(client: SSLSocket) {
        var upstream: Socket? = null
        try {
            client.soTimeout = HANDSHAKE_TIMEOUT_MS
            client.startHandshake()
            client.soTimeout = 0
            upstream = Socket().also { sockets += it }
            upstream.connect(InetSocketAddress(host, upstreamPort), CONNECT_TIMEOUT_MS)
            upstream.tcpNoDelay = true
            val toServer = upstream
            thread("hivepool-tls-reply-${client.localPort}") { pump(toServer.getInputStream(), client.getOutputStream(), client, toServer) }
            pump(client.getInputStream(), upstream.getOutputStream(), client, upstream)
        } catch (_: IOException) {
            // handshake refused, server down or gone: the client sees its connection end
        } finally {
            closeQuietly(client)
            upstream?.let(::closeQuietly)
        }
    }

    /** Copies until either side ends, then closes both, so the other direction ends too. */
    private fun pump(from: InputStream, to: OutputStream, client: Socket, upstream: Socket) {
        val buffer = ByteArray(16 * 1024)
        try {
            while (true) {
                val n = from.read(buffer)
                if (n < 0) break
                to.write(buffer, 0, n)
                to.flush()
            }
        } catch (_: IOException) {
            // closed by the other direction, the client or the server
        } finally {
            closeQuietly(client)
            closeQuietly(upstream)
        }
    }

    private fun closeQuietly(socket: Socket) {
        sockets -= socket
        try {
            socket.close()
        } catch (_: IOException) {
        }
    }

    private fun thread(name: String, body: () -> Unit) {
        Thread(body, name).apply {
            isDaemon = true
            start()
        }
    }

    private companion object {
        const val HANDSHAKE_TIMEOUT_MS = 10_000
        const val CONNECT_TIMEOUT_MS = 5_000

        /** Server key and chain (server certificate, then the CA) from the material's PEM files. */
        fun serverContext(tls: TlsMaterial): SSLContext {
            fun der(path: java.nio.file.Path): ByteArray = Base64.getMimeDecoder().decode(
                Files.readAllLines(path).filterNot { it.startsWith("-----") }.joinToString(""),
            )
            val certificates = CertificateFactory.getInstance("X.509")
            val chain = listOf(tls.serverCertPem, tls.caCertPem).map { certificates.generateCertificate(der(it).inputStream()) }
            val key = KeyFactory.getInstance("RSA").generatePrivate(PKCS8EncodedKeySpec(der(tls.serverKeyPem)))
            val password = CharArray(0)
            val keyStore = KeyStore.getInstance("PKCS12").apply {
                load(null, null)
                setKeyEntry("server", key, password, chain.toTypedArray())
            }
            val keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).apply { init(keyStore, password) }
            return SSLContext.getInstance("TLS").apply { init(keyManagers.keyManagers, null, null) }
        }
    }
}
