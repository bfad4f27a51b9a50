package io.hivepool.ktor

import io.hivepool.pool.PoolStats
import io.hivepool.redis.ping
import io.ktor.http.ContentType
import io.ktor.http.HttpStatusCode
import io.ktor.server.response.respondText
import io.ktor.server.routing.Route
import io.ktor.server.routing.get
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.coroutines.cancellation.CancellationException
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.DurationUnit
import kotlin.time.measureTime

/**
 * Adds `GET [path]`: a JSON health report of the pool serving the route (see [ApplicationCall.redisPool]).
 * It PINGs Redis through the pool (no lease) and answers
 * ```
 * 200 {"status":"UP","pingMillis":0.31,"pool":{"name":"redis","size":2,"idle":2,"inUse":0,"waiters":0,...}}
 * 503 {"status":"DOWN","error":"...","pool":{...}}     when PING fails or takes longer than [timeout]
 * ```
 * The route must be covered by the [Redis] plugin.
 */
public fun Route.redisHealth(path: String = "/health/redis", timeout: Duration = 2.seconds): Route = get(path) {
    val pool = call.redisPool
    val (status, body) = try {
        val latency = withTimeoutOrNull(timeout) { measureTime { pool.ping() } }
        if (latency == null) {
            HttpStatusCode.ServiceUnavailable to down("no PING reply within $timeout", pool.stats.toJson(pool.name))
        } else {
            HttpStatusCode.OK to
                """{"status":"UP","pingMillis":${latency.toDouble(DurationUnit.MILLISECONDS)},"pool":${pool.stats.toJson(pool.name)}}"""
        }
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        HttpStatusCode.ServiceUnavailable to down(e.message ?: e.toString(), pool.stats.toJson(pool.name))
    }
    call.respondText(body, ContentType.Application.Json, status)
}

private fun down(error: String, pool: String) = """{"status":"DOWN","error":${jsonString(error)},"pool":$pool}"""

private fun PoolStats.toJson(name: String): String =
    """{"name":${jsonString(name)},"size":$size,"idle":$idle,"inUse":$inUse,"waiters":$waiters,"creating":$creating,""" +
        """"hits":$hits,"misses":$misses,"timeouts":$timeouts,"created":$created,"createFailures":$createFailures,""" +
        """"destroyed":$destroyed,"leaksDetected":$leaksDetected,"waitTimeMaxMillis":${waitTimeMax.inWholeMilliseconds}}"""

private fun jsonString(s: String): String = buildString {
    append('"')
    for (c in s) {
        when {
            c == '"' -> append("\\\"")
            c == '\\' -> append("\\\\")
            c == '\n' -> append("\\n")
            c == '\r' -> append("\\r")
            c == '\t' -> append("\\t")
            c < ' ' -> append("\\u%04x".format(c.code))
            else -> append(c)
        }
    }
    append('"')
}
