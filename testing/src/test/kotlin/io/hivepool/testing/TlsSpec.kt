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
import io.kotest.matchers.string.shouldContain
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

    test("a redis-server that ignores the TLS options is reported as built without TLS") {
        // stands in for a binary built without TLS: it runs the real server minus every --tls-* option
        val dir = pathWithOnly("openssl")
        val noTls = dir.resolve("redis-server-no-tls")
        Files.writeString(
            noTls,
            """
            #!/bin/bash
            args=()
            while [ ${'$'}# -gt 0 ]; do case "${'$'}1" in --tls-*) shift 2 ;; *) args+=("${'$'}1"); shift ;; esac; done
            exec ${onSystemPath("redis-server")} "${'$'}{args[@]}"
            """.trimIndent(),
        )
        noTls.toFile().setExecutable(true)
        try {
            val e = shouldThrow<RedisServerUnavailableException> {
                ServerResolver(
                    mapOf("REDIS_SERVER" to noTls.toString(), "PATH" to dir.toString())::get,
                    EmbeddedBinary { "none" },
                    ContainerStarter { _, _ -> error("no Docker in this test") },
                ).start(RedisServerOptions().apply { tls = true })
            }
            e.attempts[1] shouldContain Regex(
                "^REDIS_SERVER: \\S+ does not speak TLS on --tls-port \\d+ \\(.+\\); it is probably built without TLS " +
                    "\\(BUILD_TLS=yes\\)\\. Use a redis-server with TLS, e.g. Debian's, via REDIS_SERVER\\.",
            )
        } finally {
            deleteTree(dir)
        }
    }

    test("the plain port keeps working next to the TLS port") {
        redis.command("PING") shouldBe "PONG"
    }
})
