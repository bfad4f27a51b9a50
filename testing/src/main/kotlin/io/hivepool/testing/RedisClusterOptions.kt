package io.hivepool.testing

/**
 * How [RedisCluster.start] shapes the cluster it starts. Read once, when the cluster starts; later changes have
 * no effect.
 */
public class RedisClusterOptions {
    /** How many primaries share the 16384 slots (in equal contiguous ranges), >= 1. Default 3. */
    public var primaries: Int = 3

    /** How many replicas each primary gets, >= 0. Default 0. */
    public var replicasPerPrimary: Int = 0

    /**
     * `cluster-node-timeout` in milliseconds, >= 100: how long a node may be unreachable before it is considered
     * failing, so also roughly how long a failover takes. Default 1000 (the server's own default is 15000).
     */
    public var nodeTimeoutMillis: Long = 1_000

    /** Passed to every redis-server as they are, after the fixture's own options. */
    public val extraArgs: MutableList<String> = mutableListOf()

    /**
     * The redis-server binary every node runs, e.g. `Paths.get("/usr/bin/redis-server")` for Redis 7 features
     * (CLUSTER SHARDS, sharded pub/sub); null (the default) finds one as [RedisServer.start] does. See
     * [RedisServerOptions.executable].
     */
    public var executable: java.nio.file.Path? = null

    /** How long to wait for the cluster to come up (every node answering, `cluster_state:ok`), in milliseconds. */
    public var startTimeoutMillis: Long = 30_000

    @JvmSynthetic // internal members of a public class are public (mangled) to Java
    internal fun validate() {
        require(primaries >= 1) { "primaries must be >= 1, was $primaries" }
        require(replicasPerPrimary >= 0) { "replicasPerPrimary must be >= 0, was $replicasPerPrimary" }
        require(nodeTimeoutMillis >= 100) { "nodeTimeoutMillis must be >= 100, was $nodeTimeoutMillis" }
        require(startTimeoutMillis > 0) { "startTimeoutMillis must be > 0, was $startTimeoutMillis" }
    }
}
