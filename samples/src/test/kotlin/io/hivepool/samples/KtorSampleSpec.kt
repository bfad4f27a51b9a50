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
            page shouldContain "Created <a href=\"/$code\">http://localhost/$code</a>" // absolute, as the browser reached us
            page shouldContain "http://localhost/$code</a> → https://example.com/search?q=a&amp;lang=en (1 clicks)"
            page shouldContain "This page was viewed 1 times."

            client.get("/health").bodyAsText() shouldStartWith """{"status":"UP","pingMillis":"""
        }
    }

    test("a refused URL comes back on the form page with the reason and the URL as typed") {
        testApplication {
            application { shortener(redis.uri) }
            val client = createClient { followRedirects = false }
            val refused = client.submitForm("/shorten", parameters { append("url", "javascript:alert(1)") })
            refused.status shouldBe HttpStatusCode.BadRequest
            val page = refused.bodyAsText()
            page shouldContain "<strong>Only http:// and https:// URLs can be shortened.</strong>"
            page shouldContain "value=\"javascript:alert(1)\""
            page shouldContain "<form method=\"post\" action=\"/shorten\">"
            page shouldContain "<a href=\"/\">Shorten a URL</a>"

            val broken = client.submitForm("/shorten", parameters { append("url", "https://example.com/a|b") })
            broken.status shouldBe HttpStatusCode.BadRequest
            broken.bodyAsText() shouldContain "<strong>That is not a valid URL: Illegal character in path at character 22.</strong>"
        }
    }

    test("a URL with spaces is shortened with the spaces as %20") {
        testApplication {
            application { shortener(redis.uri) }
            val client = createClient { followRedirects = false }
            val created = client.submitForm("/shorten", parameters { append("url", "https://example.com/a b?q=c d") })
            created.status shouldBe HttpStatusCode.Found
            val code = created.headers[HttpHeaders.Location]!!.substringAfter("code=")
            client.get("/$code").headers[HttpHeaders.Location] shouldBe "https://example.com/a%20b?q=c%20d"
        }
    }

    test("an unknown code answers 404 with the home page, its form and a way back") {
        testApplication {
            application { shortener(redis.uri) }
            val missing = client.get("/nope")
            missing.status shouldBe HttpStatusCode.NotFound
            val page = missing.bodyAsText()
            page shouldContain "<strong>There is no short link http://localhost/nope.</strong>"
            page shouldContain "<a href=\"/\">Shorten a URL</a>"
            page shouldContain "<form method=\"post\" action=\"/shorten\">"
        }
    }
})
