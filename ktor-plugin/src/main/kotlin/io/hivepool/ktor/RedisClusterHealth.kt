package io.hivepool.ktor

import io.hivepool.redis.ping
import io.ktor.http.ContentType
import io.ktor.http.HttpStatusCode
import io.ktor.server.response.respondText
import io.ktor.server.routing.Route
import io.ktor.server.routing.get
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.coroutines.cancellation.CancellationException
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.DurationUnit
import kotlin.time.measureTime

/**
 * Adds `GET [path]`: a JSON health report of the [RedisCluster] plugin's cluster, the counterpart of [redisHealth].
 * It PINGs through the cluster (which reads the topology if it was not read yet), then PINGs, in parallel, every
 * primary whose pool is open, and answers
 * ```
 * 200 {"status":"UP","cluster":"hivepool-cluster","primaries":3,"nodes":{"10.0.0.1:7000":{"pingMillis":0.4,"pool":{…}},…}}
 * 503 {"status":"DOWN","error":"…","cluster":"hivepool-cluster","primaries":3,"nodes":{…}}
 * ```
 * DOWN when a PING fails or all of them take longer than [timeout] together, or no primary is known. Each node's
 * `pool` is the same report as [redisHealth]'s (`host:port (replica)` for a replica's read pool); a primary the
 * application never sent a command to has no pool yet and is listed with `"pool":null` and no PING.
 */
public fun Route.redisClusterHealth(path: String = "/health/redis", timeout: Duration = 2.seconds): Route = get(path) {
    val cluster = call.redisCluster
    val pings = HashMap<String, Double>()
    val error: String? = try {
        val done = withTimeoutOrNull(timeout) {
            cluster.ping()
            coroutineScope {
                cluster.primaries.map { node ->
                    async { cluster.nodePool(node)?.let { pool -> node to measureTime { pool.ping() }.toDouble(DurationUnit.MILLISECONDS) } }
                }.awaitAll().filterNotNull().forEach { (node, millis) -> pings[node] = millis }
            }
        }
        when {
            done == null -> "no PING reply within $timeout"
            cluster.primaries.isEmpty() -> "no primary is known"
            else -> null
        }
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        e.message ?: e.toString()
    }
    val pools = cluster.primaries.associateWith { cluster.nodePool(it) }
    val nodes = pools.entries.joinToString(",", "{", "}") { (node, pool) ->
        "${jsonString(node)}:{\"pingMillis\":${pings[node]},\"pool\":${pool?.toJson()}}"
    }
    val common = """"cluster":${jsonString(cluster.config.name)},"primaries":${pools.size},"nodes":$nodes"""
    val (status, body) = if (error == null) {
        HttpStatusCode.OK to """{"status":"UP",$common}"""
    } else {
        HttpStatusCode.ServiceUnavailable to """{"status":"DOWN","error":${jsonString(error)},$common}"""
    }
    call.respondText(body, ContentType.Application.Json, status)
}
