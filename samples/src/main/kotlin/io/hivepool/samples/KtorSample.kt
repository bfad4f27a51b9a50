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
import io.ktor.server.application.ApplicationStopped
import io.ktor.server.application.install
import io.ktor.server.engine.embeddedServer
import io.ktor.server.http.HttpRequestLifecycle
import io.ktor.server.netty.Netty
import io.ktor.server.request.receiveParameters
import io.ktor.server.response.respondRedirect
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.post
import io.ktor.server.routing.routing
import java.net.URI

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
            // Pool-level commands: no lease, multiplexed with every other call's.
            val pool = call.application.redisPool
            val visits = pool.incr("short:visits")
            val links = pool.lrange("short:recent", 0, 9).map { code ->
                Link(code, pool.get("short:$code").orEmpty(), pool.hget("short:clicks", code)?.toLong() ?: 0)
            }
            call.respondText(page(visits, links, call.request.queryParameters["code"]), ContentType.Text.Html)
        }
        post("/shorten") {
            val url = call.receiveParameters()["url"]?.trim().orEmpty()
            if (!isWebUrl(url)) {
                call.respondText("give an http:// or https:// URL", status = HttpStatusCode.BadRequest)
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
                call.respondText("no short link $code", status = HttpStatusCode.NotFound)
                return@get
            }
            pool.hincrBy("short:clicks", code, 1)
            call.respondRedirect(url)
        }
        redisHealth("/health")
    }
}

/** One short link as the page shows it. */
data class Link(val code: String, val url: String, val clicks: Long)

private fun isWebUrl(s: String): Boolean =
    runCatching { URI(s) }.getOrNull()?.let { (it.scheme == "http" || it.scheme == "https") && !it.host.isNullOrBlank() } == true

private fun page(visits: Long, links: List<Link>, created: String?): String = buildString {
    append("<!doctype html><html><head><meta charset=\"utf-8\"><title>hivepool shortener</title></head><body>")
    append("<h1>Shorten a URL</h1>")
    append("<form method=\"post\" action=\"/shorten\"><input name=\"url\" size=\"60\" placeholder=\"https://…\">")
    append("<button>Shorten</button></form>")
    if (created != null) append("<p>Created <a href=\"/${html(created)}\">/${html(created)}</a></p>")
    append("<h2>Recent links</h2><ul>")
    links.forEach { append("<li><a href=\"/${html(it.code)}\">/${html(it.code)}</a> → ${html(it.url)} (${it.clicks} clicks)</li>") }
    append("</ul><p>This page was viewed $visits times. <a href=\"/health\">Pool health</a></p></body></html>")
}

private fun html(s: String): String =
    s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;")
