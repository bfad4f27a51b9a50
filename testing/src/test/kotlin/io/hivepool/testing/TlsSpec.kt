package io.hivepool.testing

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
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

    test("the plain port keeps working next to the TLS port") {
        redis.command("PING") shouldBe "PONG"
    }
})
