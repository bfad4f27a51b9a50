package io.hivepool.testing

import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.RespReply
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions

class UnixSocketSpec : FunSpec({
    val redis = install(RedisServerExtension()) { unixSocket = true }

    test("the unix socket answers PING and only its owner may use it") {
        val socket = redis.unixSocket.shouldNotBeNull()
        RespClient.connectUnix(socket).use { it.call("PING") shouldBe RespReply.Simple("PONG") }
        PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)) shouldBe "rwx------"
    }

    test("the socket file is deleted with the server") {
        val server = RedisServer.start { unixSocket = true }
        val socket = server.unixSocket.shouldNotBeNull()
        Files.exists(socket) shouldBe true
        server.close()
        Files.exists(socket) shouldBe false
    }
})
