package io.hivepool.redis.cluster

import io.hivepool.redis.RedisPoolConfig
import io.hivepool.redis.RedisURI
import java.util.function.Consumer
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toKotlinDuration

/**
 * The immutable configuration of a [RedisClusterPool]: where to find the cluster ([seeds]), how each node's
 * [io.hivepool.redis.RedisPool] is built ([node], the same settings for every node, only host and port differ),
 * and the cluster knobs. Build it with [Builder] (Kotlin: `redisCluster { }`, Java:
 * `RedisClusterConfig.builder().seeds("redis://10.0.0.1:7000").maxSizePerNode(8).build()`).
 */
public class RedisClusterConfig private constructor(
    /** `host:port` of the nodes asked for the topology at start, in order. */
    public val seeds: List<String>,
    /** The settings of every node's pool (its host and port are the first seed's; each node gets its own). */
    public val node: RedisPoolConfig,
    /** See [Builder.readFrom]. */
    public val readFrom: ReadFrom,
    /** See [Builder.maxRedirects]. */
    public val maxRedirects: Int,
    /** See [Builder.topologyRefreshInterval]. */
    public val topologyRefreshInterval: Duration,
    /** See [Builder.topologyRefreshMinInterval]. */
    public val topologyRefreshMinInterval: Duration,
) {
    /** The cluster's name (used in messages and as the prefix of its node pools' names). */
    public val name: String get() = node.pool.name

    /** No password here: [node]'s toString masks it. */
    override fun toString(): String =
        "RedisClusterConfig(seeds=$seeds, readFrom=$readFrom, maxRedirects=$maxRedirects, " +
            "topologyRefreshInterval=$topologyRefreshInterval, node=$node)"

    /** Java entry point. */
    public companion object {
        /** A builder with every default, for Java. */
        @JvmStatic
        public fun builder(): Builder = Builder()
    }

    /**
     * The cluster knobs, plus [node] for any setting of the node pools (every [RedisPoolConfig.Builder] field).
     * [build] validates them and throws IllegalArgumentException naming the field.
     */
    public class Builder {
        /**
         * Nodes to ask for the topology at start: `redis://[user:password@]host:port` or `host:port`; at least one.
         * Credentials and TLS (`rediss://`) of the first seed apply to every node unless set in [node].
         */
        public var seeds: List<String> = emptyList()

        /** Most connections per node pool (shared + leased), > 0. Default 8. */
        public var maxSizePerNode: Int = 8

        /** Where read-only commands go. Default [ReadFrom.PRIMARY]. */
        public var readFrom: ReadFrom = ReadFrom.PRIMARY

        /** Most MOVED/ASK redirects one command follows before failing with [RedisClusterException], >= 1. Default 5. */
        public var maxRedirects: Int = 5

        /** How often the topology is re-read when nothing prompts it, > 0. Default 60 seconds. */
        public var topologyRefreshInterval: Duration = 60.seconds

        /**
         * Least time between two topology reads, >= 0: MOVED replies, failing nodes and unknown nodes ask for a
         * refresh, and bursts of them share one. Default 100 ms.
         */
        public var topologyRefreshMinInterval: Duration = 100.milliseconds

        /** Used in messages and as the prefix of the node pools' names; not blank. Default "hivepool-cluster". */
        public var name: String = "hivepool-cluster"

        private var nodeSettings: RedisPoolConfig.Builder.() -> Unit = {}

        /**
         * Settings of every node's pool: `node { commandTimeout = 2.seconds; password = "…" }`. Host, port, uri,
         * maxSize (see [maxSizePerNode]) and name set here are overridden per node. Only db 0 exists in a cluster.
         */
        @JvmSynthetic
        public fun node(settings: RedisPoolConfig.Builder.() -> Unit): Builder = apply { nodeSettings = settings }

        /** Java: sets [seeds]. */ public fun seeds(vararg value: String): Builder = apply { seeds = value.toList() }
        /** Java: sets [maxSizePerNode]. */ public fun maxSizePerNode(value: Int): Builder = apply { maxSizePerNode = value }
        /** Java: sets [readFrom]. */ public fun readFrom(value: ReadFrom): Builder = apply { readFrom = value }
        /** Java: sets [maxRedirects]. */ public fun maxRedirects(value: Int): Builder = apply { maxRedirects = value }
        /** Java: sets [name]. */ public fun name(value: String): Builder = apply { name = value }
        /** Java: sets [topologyRefreshInterval]. */
        public fun topologyRefreshInterval(value: java.time.Duration): Builder = apply { topologyRefreshInterval = value.toKotlinDuration() }
        /** Java: sets [topologyRefreshMinInterval]. */
        public fun topologyRefreshMinInterval(value: java.time.Duration): Builder =
            apply { topologyRefreshMinInterval = value.toKotlinDuration() }
        /** Java: settings of every node's pool, as [node]. */
        public fun node(settings: Consumer<RedisPoolConfig.Builder>): Builder = apply { nodeSettings = { settings.accept(this) } }

        /** Validates every knob. @throws IllegalArgumentException naming the bad field. */
        public fun build(): RedisClusterConfig {
            require(seeds.isNotEmpty()) { "seeds must name at least one node, e.g. seeds = listOf(\"redis://10.0.0.1:7000\")" }
            require(maxSizePerNode > 0) { "maxSizePerNode must be > 0, was $maxSizePerNode" }
            require(maxRedirects >= 1) { "maxRedirects must be >= 1, was $maxRedirects" }
            require(topologyRefreshInterval.isPositive()) { "topologyRefreshInterval must be > 0, was $topologyRefreshInterval" }
            require(!topologyRefreshMinInterval.isNegative()) {
                "topologyRefreshMinInterval must be >= 0, was $topologyRefreshMinInterval"
            }
            require(name.isNotBlank()) { "name must not be blank" }
            val parsed = seeds.mapIndexed { i, seed -> parseSeed(i, seed) }
            val first = seeds.first().let { if (it.contains("://")) it else "redis://$it" }
            val settings = nodeSettings
            val node = RedisPoolConfig.Builder().apply {
                uri = first
                settings()
                uri = first
                host = parsed.first().first
                port = parsed.first().second
                maxSize = maxSizePerNode
                name = this@Builder.name
            }.build()
            require(node.connection.db == 0) { "db must be 0 in a cluster (Redis Cluster has only db 0), was ${node.connection.db}" }
            require(node.connection.unixSocket == null) { "unixSocket cannot be used with a cluster: nodes are found by host and port" }
            return RedisClusterConfig(
                parsed.map { "${it.first}:${it.second}" }, node, readFrom, maxRedirects,
                topologyRefreshInterval, topologyRefreshMinInterval,
            )
        }

        private fun parseSeed(index: Int, seed: String): Pair<String, Int> {
            val uri = if (seed.contains("://")) seed else "redis://$seed"
            val config = try {
                RedisURI.parse(uri)
            } catch (e: IllegalArgumentException) {
                throw IllegalArgumentException("seeds[$index] is not a node address (redis://host:port or host:port): ${e.message}", e)
            }
            return config.host to config.port
        }
    }
}

/**
 * Builds a Redis Cluster client:
 * ```
 * val cluster = redisCluster { seeds = listOf("redis://10.0.0.1:7000", "redis://10.0.0.2:7000"); maxSizePerNode = 8 }
 * cluster.set("{user1}.name", "Ada")
 * ```
 * Returns at once; the topology is read (from the first seed that answers) by the first command, or by
 * [RedisClusterPool.refreshTopology].
 *
 * @throws IllegalArgumentException a bad value, naming the field
 */
public fun redisCluster(configure: RedisClusterConfig.Builder.() -> Unit): RedisClusterPool =
    RedisClusterPool(RedisClusterConfig.Builder().apply(configure).build())
