package io.hivepool.samples

import io.hivepool.testing.RedisServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import io.ktor.client.request.forms.submitForm
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.http.parameters
import io.ktor.server.testing.testApplication

class KtorSampleSpec : FunSpec({
    val redis = install(RedisServerExtension())

    test("the shortener stores a link, redirects through it, counts the click and lists it on its page") {
        redis.command("DEL", "short:visits") // the page counts its views; REDIS_URL may point at a used server
        testApplication {
            application { shortener(redis.uri) }
            val client = createClient { followRedirects = false }

            val created = client.submitForm("/shorten", parameters { append("url", "https://example.com/search?q=a&lang=en") })
            created.status shouldBe HttpStatusCode.Found
            val location = created.headers[HttpHeaders.Location]!!
            location shouldStartWith "/?code="
            val code = location.substringAfter("code=")

            val hop = client.get("/$code")
            hop.status shouldBe HttpStatusCode.Found
            hop.headers[HttpHeaders.Location] shouldBe "https://example.com/search?q=a&lang=en"

            val page = client.get(location).bodyAsText()
            page shouldContain "Created <a href=\"/$code\">/$code</a>"
            page shouldContain "/$code</a> → https://example.com/search?q=a&amp;lang=en (1 clicks)"
            page shouldContain "This page was viewed 1 times."

            client.get("/health").bodyAsText() shouldStartWith """{"status":"UP","pingMillis":"""
        }
    }

    test("the shortener refuses what is not a web URL and answers 404 for an unknown code") {
        testApplication {
            application { shortener(redis.uri) }
            val client = createClient { followRedirects = false }
            val refused = client.submitForm("/shorten", parameters { append("url", "javascript:alert(1)") })
            refused.status shouldBe HttpStatusCode.BadRequest
            refused.bodyAsText() shouldBe "give an http:// or https:// URL"
            val missing = client.get("/nope")
            missing.status shouldBe HttpStatusCode.NotFound
            missing.bodyAsText() shouldBe "no short link nope"
        }
    }
})
