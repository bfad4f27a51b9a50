package io.hivepool.samples

import io.hivepool.ktor.Redis
import io.hivepool.ktor.redis
import io.hivepool.ktor.redisHealth
import io.hivepool.ktor.redisPool
import io.hivepool.redis.get
import io.hivepool.redis.hget
import io.hivepool.redis.hincrBy
import io.hivepool.redis.incr
import io.hivepool.redis.lpush
import io.hivepool.redis.lrange
import io.hivepool.redis.ltrim
import io.hivepool.redis.set
import io.ktor.http.ContentType
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.ApplicationStopped
import io.ktor.server.application.install
import io.ktor.server.engine.embeddedServer
import io.ktor.server.http.HttpRequestLifecycle
import io.ktor.server.netty.Netty
import io.ktor.server.plugins.origin
import io.ktor.server.request.receiveParameters
import io.ktor.server.response.respondRedirect
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.post
import io.ktor.server.routing.routing
import java.net.URI
import java.net.URISyntaxException

/**
 * A URL shortener on Ktor and the Redis plugin: a form, the last ten short links with their clicks, and
 * `GET /health` with the pool's stats.
 *
 * Run it with
 * `mvn -B -ntp -q -pl samples -am compile exec:java -Dexec.mainClass=io.hivepool.samples.KtorSampleKt`
 * and open http://localhost:8080 (`PORT` changes the port; `REDIS_URL` picks the Redis, else one is started).
 */
fun main() {
    val redis = SampleRedis.start()
    val port = System.getenv("PORT")?.toIntOrNull() ?: 8080
    val server = embeddedServer(Netty, port = port) { shortener(redis.uri) }
    server.monitor.subscribe(ApplicationStopped) { redis.close() }
    println("URL shortener on http://localhost:$port (Redis: ${redis.source}); Ctrl-C stops it")
    server.start(wait = true)
}

/** The shortener's module: the plugin owns its pool (closed when the application stops). */
fun Application.shortener(redisUri: String) {
    // Cancel a call whose client hung up, so that its Redis lease comes back at once.
    install(HttpRequestLifecycle) { cancelCallOnClose = true }
    install(Redis) {
        uri = redisUri
        maxSize = 16
        configurePool { name = "shortener" }
    }
    routing {
        get("/") {
            val created = call.request.queryParameters["code"]
            call.respondText(home(call, created = created), ContentType.Text.Html)
        }
        post("/shorten") {
            val typed = call.receiveParameters()["url"]?.trim().orEmpty()
            val url = webUrl(typed).getOrElse { problem ->
                val page = home(call, error = problem.message, typed = typed)
                call.respondText(page, ContentType.Text.Html, HttpStatusCode.BadRequest)
                return@post
            }
            // One lease for the whole call: every command below runs on the same connection.
            val redis = call.redis()
            val code = redis.incr("short:next").toString(36)
            redis.set("short:$code", url)
            redis.lpush("short:recent", code)
            redis.ltrim("short:recent", 0, 99)
            call.respondRedirect("/?code=$code")
        }
        get("/{code}") {
            val code = call.parameters["code"].orEmpty()
            val pool = call.application.redisPool
            val url = pool.get("short:$code")
            if (url == null) {
                val page = home(call, error = "There is no short link ${shortUrl(call, code)}.")
                call.respondText(page, ContentType.Text.Html, HttpStatusCode.NotFound)
                return@get
            }
            pool.hincrBy("short:clicks", code, 1)
            call.respondRedirect(url)
        }
        redisHealth("/health")
    }
}

/** The home page, with the link just [created], or an [error] and the URL that was [typed] back in the form. */
private suspend fun home(call: ApplicationCall, created: String? = null, error: String? = null, typed: String = ""): String {
    // Pool-level commands: no lease, multiplexed with every other call's.
    val pool = call.application.redisPool
    val visits = pool.incr("short:visits")
    val links = pool.lrange("short:recent", 0, 9).map { code ->
        Link(code, pool.get("short:$code").orEmpty(), pool.hget("short:clicks", code)?.toLong() ?: 0)
    }
    return page(visits, links, created, error, typed) { shortUrl(call, it) }
}

/** The absolute short link of [code], on the host and port the browser used. */
private fun shortUrl(call: ApplicationCall, code: String): String {
    val origin = call.request.origin
    val defaultPort = (origin.scheme == "http" && origin.serverPort == 80) || (origin.scheme == "https" && origin.serverPort == 443)
    return "${origin.scheme}://${origin.serverHost}${if (defaultPort) "" else ":${origin.serverPort}"}/$code"
}

/** One short link as the page shows it. */
data class Link(val code: String, val url: String, val clicks: Long)

/**
 * [typed] as an http(s) URL, or why it is not one. Spaces are taken for %20, as a browser's address bar does;
 * anything else a URI cannot hold is refused with the reason.
 */
internal fun webUrl(typed: String): Result<String> {
    if (typed.isEmpty()) return Result.failure(IllegalArgumentException("Type a URL to shorten."))
    val candidate = typed.replace(" ", "%20")
    val uri = try {
        URI(candidate)
    } catch (e: URISyntaxException) {
        return Result.failure(IllegalArgumentException("That is not a valid URL: ${e.reason} at character ${e.index + 1}."))
    }
    if (uri.scheme?.lowercase() !in setOf("http", "https")) {
        return Result.failure(IllegalArgumentException("Only http:// and https:// URLs can be shortened."))
    }
    if (uri.host.isNullOrBlank()) return Result.failure(IllegalArgumentException("That URL has no host name."))
    return Result.success(candidate)
}

private fun page(
    visits: Long, links: List<Link>, created: String?, error: String?, typed: String, shortUrl: (String) -> String,
): String = buildString {
    append("<!doctype html><html><head><meta charset=\"utf-8\"><title>hivepool shortener</title></head><body>")
    append("<h1><a href=\"/\">Shorten a URL</a></h1>")
    if (error != null) append("<p role=\"alert\"><strong>${html(error)}</strong></p>")
    append("<form method=\"post\" action=\"/shorten\"><input name=\"url\" size=\"60\" placeholder=\"https://…\" value=\"${html(typed)}\">")
    append("<button>Shorten</button></form>")
    if (created != null) append("<p>Created <a href=\"/${html(created)}\">${html(shortUrl(created))}</a></p>")
    append("<h2>Recent links</h2><ul>")
    links.forEach { append("<li><a href=\"/${html(it.code)}\">${html(shortUrl(it.code))}</a> → ${html(it.url)} (${it.clicks} clicks)</li>") }
    append("</ul><p>This page was viewed $visits times. <a href=\"/health\">Pool health</a></p></body></html>")
}

private fun html(s: String): String =
    s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;")
