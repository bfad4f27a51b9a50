package io.hivepool.testing

import io.hivepool.testing.internal.RespClient
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.net.ConnectException

class RedisServerExtensionSpec : FunSpec({
    val spec = this
    val redis = install(RedisServerExtension { password = "from-constructor" }) { aclUsers["erin"] = "e" }

    test("install starts a server with the constructor's options and then the install block's") {
        redis.command("ACL", "USERS") shouldBe "default\nerin"
        redis.uri shouldBe "redis://default:from-constructor@127.0.0.1:${redis.port}"
    }

    test("afterSpec closes the server the extension started") {
        val extension = RedisServerExtension()
        val server = extension.server
        server.command("PING") shouldBe "PONG"
        extension.afterSpec(spec)
        shouldThrow<ConnectException> { RespClient.connect(server.host, server.port) }
    }

    test("the JUnit extension takes a Kotlin options block and has no server outside a test class") {
        val extension = RedisServerJUnitExtension { password = "kotlin" }
        shouldThrow<IllegalStateException> { extension.server }
    }

    test("an extension mounts one server only") {
        val extension = RedisServerExtension()
        extension.mount { }
        try {
            shouldThrow<IllegalStateException> { extension.mount { } }.message shouldBe
                "RedisServerExtension is already installed; create one extension per server"
        } finally {
            extension.afterSpec(spec)
        }
    }
})
