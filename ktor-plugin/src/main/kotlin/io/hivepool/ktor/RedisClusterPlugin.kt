package io.hivepool.ktor

import io.hivepool.ktor.internal.AroundCall
import io.hivepool.ktor.internal.OutageLog
import io.hivepool.ktor.internal.closeOnStop
import io.hivepool.ktor.internal.respondUnavailable
import io.hivepool.ktor.internal.retryAfterSeconds
import io.hivepool.redis.cluster.RedisClusterPool
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.ApplicationPlugin
import io.ktor.server.application.createApplicationPlugin
import io.ktor.server.application.log
import io.ktor.server.response.respondText
import io.ktor.util.AttributeKey

/**
 * Serves an application from a Redis Cluster ([RedisClusterPool]): the cluster counterpart of [Redis].
 *
 * ```
 * fun Application.module() {
 *     install(RedisCluster) {
 *         seeds = listOf("redis://10.0.0.1:7000", "redis://10.0.0.2:7000")
 *         configureCluster { maxSizePerNode = 8 }
 *     }
 *     routing {
 *         get("/visits") {
 *             val visits = call.redisCluster.incr("visits")      // routed to the node serving the key's slot
 *             call.respondText("visit #$visits")
 *         }
 *         redisClusterHealth("/health/redis")
 *     }
 * }
 * ```
 *
 * - [Application.redisCluster] and [ApplicationCall.redisCluster] give the cluster client for pool-level commands
 *   (every typed command, pipelines, `transaction(hashKey) { }`, `use(hashKey) { }` for a lease on one node,
 *   `subscribe`, `ssubscribe`). There is no per-call lease (`call.redis()`): a lease belongs to one node, so take
 *   it where the key is known, with `call.redisCluster.use(hashKey) { conn -> … }`.
 * - A node pool exhausted, a node that cannot be reached, or a connection to a node failing under a command
 *   (once the client's own redirects and retries are spent), escaping the handler before the response started:
 *   the call is answered `503 Service Unavailable` with `Retry-After`, logged as [Redis] does. Other errors
 *   ([io.hivepool.redis.cluster.RedisCrossSlotException], server errors) go through as they are.
 * - A client built from [RedisClusterPluginConfig.seeds] is the plugin's: it is closed on `ApplicationStopped`.
 *   A client passed in [RedisClusterPluginConfig.cluster] is left open.
 *
 * Installed in the application (not in a route). It can be installed next to [Redis] (e.g. a cluster for data, a
 * single server for sessions); each has its own accessors.
 */
public val RedisCluster: ApplicationPlugin<RedisClusterPluginConfig> = createApplicationPlugin("RedisCluster", ::RedisClusterPluginConfig) {
    val (cluster, owned) = pluginConfig.resolveCluster()
    val retryAfter = pluginConfig.retryAfter?.let(::retryAfterSeconds)
    val onConnectionFailure = pluginConfig.unavailableOnConnectionFailure
    val outages = OutageLog(application.log, cluster.config.name)
    application.attributes.put(ClusterKey, cluster)
    if (owned) closeOnStop(application, cluster)

    on(AroundCall) { call, proceed ->
        try {
            proceed()
        } catch (e: Throwable) {
            if (!call.respondUnavailable(e, onConnectionFailure, outages, retryAfter, "Redis cluster node pool")) throw e
        }
    }
}

/**
 * The cluster client of the [RedisCluster] plugin: `application.redisCluster.get("key")`.
 *
 * @throws IllegalStateException the plugin is not installed
 */
public val Application.redisCluster: RedisClusterPool
    get() = attributes.getOrNull(ClusterKey) ?: error(
        "the RedisCluster plugin is not installed in this application: install(RedisCluster) { seeds = listOf(\"redis://…\") }",
    )

/** The cluster client of the [RedisCluster] plugin, from a call: `call.redisCluster.incr("visits")`. @throws IllegalStateException not installed */
public val ApplicationCall.redisCluster: RedisClusterPool
    get() = application.redisCluster

private val ClusterKey = AttributeKey<RedisClusterPool>("hivepool.redis.RedisClusterPool")
