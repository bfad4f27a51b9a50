package io.hivepool.redis

import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class TlsAndUnixSocketSpec : FunSpec({
    val server = RedisServer.start {
        tls = true
        unixSocket = true
    }
    afterSpec { server.close() }

    test("rediss:// connects over TLS trusting a CA from a PEM file") {
        val config = RedisURI.parse(server.tlsUri!!).copy(caCertificate = server.tls!!.caCertPem)
        RedisConnection.connect(config).use { conn ->
            conn.set("over-tls", "yes")
            conn.get("over-tls") shouldBe "yes"
            conn.protocol shouldBe 3
        }
    }

    test("rediss:// connects over TLS trusting a KeyStore") {
        val config = RedisURI.parse(server.tlsUri!!).copy(trustStore = server.tls!!.trustStore)
        RedisConnection.connect(config).use { conn ->
            conn.echo(ByteArray(100_000) { it.toByte() }).size shouldBe 100_000
        }
    }

    test("a server certificate nobody trusts is refused") {
        val e = shouldThrow<RedisConnectionException> { RedisConnection.connect(server.tlsUri!! + "?connectTimeout=5s") }
        e.message shouldContain "unable to find valid certification path"
    }

    test("a certificate that does not name the host is refused") {
        // The test certificate names 127.0.0.1 and localhost only.
        val config = RedisURI.parse(server.tlsUri!!).copy(tlsServerName = "redis.example.com", caCertificate = server.tls!!.caCertPem)
        val e = shouldThrow<RedisConnectionException> { RedisConnection.connect(config) }
        e.message shouldContain "No server host: redis.example.com in the server certificate"
        val byIp = RedisURI.parse(server.tlsUri!!).copy(tlsServerName = "127.0.0.9", caCertificate = server.tls!!.caCertPem)
        val ipError = shouldThrow<RedisConnectionException> { RedisConnection.connect(byIp) }
        ipError.message shouldContain "No server host: 127.0.0.9 in the server certificate"
    }

    test("redis+unix:// connects through the Unix domain socket and selects the db from the query") {
        RedisConnection.connect("redis+unix://${server.unixSocket}?db=4").use { conn ->
            conn.state.db shouldBe 4
            conn.set("over-unix", "yes")
            conn.execute("CLIENT", "INFO").toString().contains("db=4") shouldBe true
        }
        RedisConnection.connect(server.uri + "/4").use { it.get("over-unix") shouldBe "yes" }
    }
})
