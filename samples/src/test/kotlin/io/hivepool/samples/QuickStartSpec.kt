package io.hivepool.samples

import io.hivepool.testing.RedisServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import io.ktor.server.testing.testApplication

class QuickStartSpec : FunSpec({
    val redis = install(RedisServerExtension())

    test("the README's Kotlin quick start runs as written") {
        redis.command("DEL", "visits")
        quickStart(redis.uri) shouldBe "hello, visit 1"
    }

    test("the README's Ktor quick start serves visits through a lease and the greeting without one") {
        redis.command("SET", "visits", "41")
        redis.command("SET", "greeting", "hi")
        testApplication {
            application { quickStartModule(redis.uri) }
            client.get("/visits").bodyAsText() shouldBe "visit #42"
            client.get("/greeting").bodyAsText() shouldBe "hi"
        }
    }
})
