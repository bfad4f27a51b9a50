package io.hivepool.ktor

import io.hivepool.redis.RedisPool
import io.hivepool.redis.RedisPoolConnections
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
 * 200 {"status":"UP","pingMillis":0.31,"pool":{"name":"redis","maxSize":16,"size":3,"idle":1,"inUse":0,"shared":2,"waiters":0,...}}
 * 503 {"status":"DOWN","error":"...","pool":{...}}     when PING fails or takes longer than [timeout]
 * ```
 * `inUse` counts exclusive leases (`call.redis()`, `use { }`, transactions, blocking commands), `shared` the
 * connections carrying pool-level commands (the health PING itself is one); see [RedisPoolConnections].
 * The route must be covered by the [Redis] plugin.
 */
public fun Route.redisHealth(path: String = "/health/redis", timeout: Duration = 2.seconds): Route = get(path) {
    val pool = call.redisPool
    val (status, body) = try {
        val latency = withTimeoutOrNull(timeout) { measureTime { pool.ping() } }
        if (latency == null) {
            HttpStatusCode.ServiceUnavailable to down("no PING reply within $timeout", pool.toJson())
        } else {
            HttpStatusCode.OK to
                """{"status":"UP","pingMillis":${latency.toDouble(DurationUnit.MILLISECONDS)},"pool":${pool.toJson()}}"""
        }
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        HttpStatusCode.ServiceUnavailable to down(e.message ?: e.toString(), pool.toJson())
    }
    call.respondText(body, ContentType.Application.Json, status)
}

private fun down(error: String, pool: String) = """{"status":"DOWN","error":${jsonString(error)},"pool":$pool}"""

@JvmSynthetic // internal: not a static method of RedisHealthKt for Java
internal fun RedisPool.toJson(): String {
    val c = connections
    val s = stats
    return """{"name":${jsonString(name)},"maxSize":${c.maxSize},"size":${c.size},"idle":${c.idle},"inUse":${c.leased},""" +
        """"shared":${c.shared},"waiters":${c.waiters},"creating":${c.creating},""" +
        """"hits":${s.hits},"misses":${s.misses},"timeouts":${s.timeouts},"created":${s.created},"createFailures":${s.createFailures},""" +
        """"destroyed":${s.destroyed},"leaksDetected":${s.leaksDetected},"waitTimeMaxMillis":${s.waitTimeMax.inWholeMilliseconds}}"""
}

@JvmSynthetic
internal fun jsonString(s: String): String = buildString {
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
