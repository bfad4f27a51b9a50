package io.hivepool.testing

import io.kotest.assertions.throwables.shouldThrow
import io.hivepool.testing.internal.ContainerStarter
import io.hivepool.testing.internal.EmbeddedBinary
import io.hivepool.testing.internal.ServerResolver
import io.hivepool.testing.internal.deleteTree
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.RespReply
import java.io.IOException
import java.net.ConnectException
import java.net.Socket
import java.nio.file.Files
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLHandshakeException
import javax.net.ssl.SSLSocket
import javax.net.ssl.TrustManagerFactory

class TlsSpec : FunSpec({
    val redis = install(RedisServerExtension()) { tls = true }

    fun pingOverTls(context: SSLContext): String {
        val socket = context.socketFactory.createSocket(redis.host, redis.tlsPort!!) as SSLSocket
        socket.use {
            it.soTimeout = 5_000
            // check the certificate names 127.0.0.1, as a client verifying host names would
            it.sslParameters = it.sslParameters.apply { endpointIdentificationAlgorithm = "HTTPS" }
            it.outputStream.write("*1\r\n$4\r\nPING\r\n".toByteArray())
            it.outputStream.flush()
            return it.inputStream.bufferedReader().readLine()
        }
    }

    test("a client trusting only the test CA gets PONG over TLS") {
        val tls = redis.tls.shouldNotBeNull()
        val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm())
        trust.init(tls.trustStore)
        val context = SSLContext.getInstance("TLS").apply { init(null, trust.trustManagers, null) }
        pingOverTls(context) shouldBe "+PONG"
        redis.tlsUri shouldBe "rediss://127.0.0.1:${redis.tlsPort}"
    }

    test("the CA PEM file is a certificate a client can load") {
        val pem = Files.readString(redis.tls.shouldNotBeNull().caCertPem)
        pem.lines().first() shouldBe "-----BEGIN CERTIFICATE-----"
    }

    test("a client with the JDK's default trust refuses the server's certificate") {
        shouldThrow<SSLHandshakeException> { pingOverTls(SSLContext.getDefault()) }
    }

    test("a client offering only TLS 1.2 (as ktor-network-tls does) is served") {
        val socket = redis.tls.shouldNotBeNull().socketFactory().createSocket(redis.host, redis.tlsPort!!) as SSLSocket
        socket.use {
            it.enabledProtocols = arrayOf("TLSv1.2")
            it.soTimeout = 5_000
            it.outputStream.write("*1\r\n$4\r\nPING\r\n".toByteArray())
            it.inputStream.bufferedReader().readLine() shouldBe "+PONG"
            it.session.protocol shouldBe "TLSv1.2"
        }
    }

    test("with nothing but the JDK (no redis-server on PATH, no openssl) the embedded binary serves TLS") {
        val emptyPath = Files.createTempDirectory("hivepool-empty-path")
        try {
            ServerResolver(
                mapOf("PATH" to emptyPath.toString())::get,
                EmbeddedBinary.DEFAULT,
                ContainerStarter { _, _ -> error("no Docker in this test") },
            ).start(RedisServerOptions().apply { tls = true; password = "pw" }).use { server ->
                server.source shouldBe "embedded-redis"
                RespClient.connect(server.host, server.tlsPort!!, server.tls!!.socketFactory()).use { client ->
                    client.call("AUTH", "pw") shouldBe RespReply.Simple("OK")
                    client.call("SET", "over", "tls") shouldBe RespReply.Simple("OK")
                }
                server.command("GET", "over") shouldBe "tls"
                server.tlsUri shouldBe "rediss://default:pw@127.0.0.1:${server.tlsPort}"
            }
        } finally {
            deleteTree(emptyPath)
        }
    }

    test("stop closes the TLS port and its connections; restart opens the same port again") {
        RedisServer.start { tls = true }.use { server ->
            val tlsPort = server.tlsPort!!
            val client = RespClient.connect(server.host, tlsPort, server.tls!!.socketFactory(), readTimeoutMs = 5_000)
            client.call("PING") shouldBe RespReply.Simple("PONG")
            server.stop()
            shouldThrow<IOException> { client.call("PING") }
            client.close()
            shouldThrow<ConnectException> { Socket(server.host, tlsPort).close() }
            server.restart()
            server.tlsPort shouldBe tlsPort
            RespClient.connect(server.host, tlsPort, server.tls.socketFactory()).use { it.call("PING") shouldBe RespReply.Simple("PONG") }
        }
    }

    test("killClients drops TLS clients too") {
        val client = RespClient.connect(redis.host, redis.tlsPort!!, redis.tls!!.socketFactory(), readTimeoutMs = 5_000)
        client.use {
            it.call("PING") shouldBe RespReply.Simple("PONG")
            redis.killClients()
            shouldThrow<IOException> { it.call("PING") }
        }
    }

    test("the plain port keeps working next to the TLS port") {
        redis.command("PING") shouldBe "PONG"
    }
})
