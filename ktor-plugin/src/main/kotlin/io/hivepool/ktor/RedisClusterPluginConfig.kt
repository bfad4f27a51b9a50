package io.hivepool.ktor

import io.hivepool.redis.cluster.RedisClusterConfig
import io.hivepool.redis.cluster.RedisClusterPool
import io.hivepool.redis.cluster.redisCluster
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Settings of the [RedisCluster] plugin. Either hand it a cluster client you own:
 * ```
 * install(RedisCluster) { cluster = myCluster }          // the plugin never closes it
 * ```
 * or describe one and let the plugin own it (closed on `ApplicationStopped`):
 * ```
 * install(RedisCluster) {
 *     seeds = listOf("redis://10.0.0.1:7000", "redis://10.0.0.2:7000")
 *     configureCluster { maxSizePerNode = 8; readFrom = ReadFrom.REPLICA_PREFERRED; node { commandTimeout = 2.seconds } }
 * }
 * ```
 * Setting [cluster] together with [seeds] or [configureCluster] is an error at install time, and so is setting neither.
 */
public class RedisClusterPluginConfig {
    /** A cluster client you created and will close yourself. null (default) = the plugin builds and owns one. */
    public var cluster: RedisClusterPool? = null

    /** Nodes the plugin's own client reads the topology from ([RedisClusterConfig.Builder.seeds]). */
    public var seeds: List<String>? = null

    /**
     * The `Retry-After` header of a 503 sent when a node pool is exhausted or a node cannot be reached or fails
     * under a call, rounded up to whole seconds; null = no header. Default 1 second.
     */
    public var retryAfter: Duration? = 1.seconds

    /**
     * Whether a connection failure to a node ([io.hivepool.redis.RedisConnectionException], after the client's
     * own retries) that escapes the handler before the response started is answered 503, as [Redis] does (see
     * [RedisPluginConfig.unavailableOnConnectionFailure]). Default true.
     */
    public var unavailableOnConnectionFailure: Boolean = true

    private val clusterSettings = mutableListOf<RedisClusterConfig.Builder.() -> Unit>()

    /** Any other knob of the plugin's own client (see [RedisClusterConfig.Builder]); may be called more than once. */
    public fun configureCluster(configure: RedisClusterConfig.Builder.() -> Unit) {
        clusterSettings += configure
    }

    /** The cluster client to serve calls with, and whether the plugin owns (and so closes) it. */
    @JvmSynthetic // internal: hidden from Java, which would see resolveCluster$hivepool_ktor
    internal fun resolveCluster(): Pair<RedisClusterPool, Boolean> {
        retryAfter?.let { require(!it.isNegative()) { "retryAfter must be >= 0 or null, was $it" } }
        cluster?.let { given ->
            require(seeds == null && clusterSettings.isEmpty()) {
                "set either cluster (a client you own) or seeds/configureCluster (a client the plugin owns), not both"
            }
            return given to false
        }
        val owned = redisCluster {
            clusterSettings.forEach { it() }
            this@RedisClusterPluginConfig.seeds?.let { seeds = it }
        }
        return owned to true
    }
}
