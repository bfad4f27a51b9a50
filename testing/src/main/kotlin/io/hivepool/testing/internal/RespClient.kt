package io.hivepool.testing.internal

import java.io.Closeable
import java.io.InputStream
import java.io.OutputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.net.StandardProtocolFamily
import java.net.UnixDomainSocketAddress
import java.nio.channels.Channels
import java.nio.channels.SocketChannel
import java.nio.file.Path
import javax.net.ssl.SSLSocket
import javax.net.ssl.SSLSocketFactory

/**
 * A tiny blocking RESP2 client for the fixture itself (PING, AUTH, CONFIG, CLIENT KILL, INFO...).
 * The fixture cannot use hivepool-redis: that module's tests depend on this one.
 */
internal class RespClient private constructor(
    private val resource: Closeable,
    input: InputStream,
    private val output: OutputStream,
) : Closeable {
    private val reader = RespInput(input.buffered())

    /** Sends one command and reads its reply; `-ERR` replies are returned, not thrown. */
    fun call(vararg args: String): RespReply {
        output.writeCommand(args.map { it.toByteArray() })
        return RespReply.read(reader)
    }

    /** Like [call] but throws when the server answers with an error. */
    fun callOk(vararg args: String): RespReply {
        val reply = call(*args)
        if (reply is RespReply.Error) {
            throw IllegalStateException("redis-server answered ${args.firstOrNull()} with an error: ${reply.text}")
        }
        return reply
    }

    override fun close() = resource.close()

    companion object {
        const val CONNECT_TIMEOUT_MS: Int = 2_000
        const val READ_TIMEOUT_MS: Int = 10_000

        /** Connects over TCP, then does a TLS handshake when [tls] is given. */
        fun connect(
            host: String,
            port: Int,
            tls: SSLSocketFactory? = null,
            readTimeoutMs: Int = READ_TIMEOUT_MS,
        ): RespClient {
            val socket = Socket()
            try {
                socket.connect(InetSocketAddress(host, port), CONNECT_TIMEOUT_MS)
                socket.soTimeout = readTimeoutMs
                val stream = if (tls == null) {
                    socket
                } else {
                    (tls.createSocket(socket, host, port, true) as SSLSocket).also { it.startHandshake() }
                }
                return RespClient(stream, stream.getInputStream(), stream.getOutputStream())
            } catch (e: Exception) {
                socket.close()
                throw e
            }
        }

        /** Connects over a Unix domain socket (no read timeout: the JDK's channels have none). */
        fun connectUnix(path: Path): RespClient {
            val channel = SocketChannel.open(StandardProtocolFamily.UNIX)
            try {
                channel.connect(UnixDomainSocketAddress.of(path))
                return RespClient(channel, Channels.newInputStream(channel), Channels.newOutputStream(channel))
            } catch (e: Exception) {
                channel.close()
                throw e
            }
        }
    }
}
