package io.hivepool.redis.cluster

/**
 * Where the cluster client (`redisCluster { readFrom = … }`) and the Sentinel pool (`redisSentinel { readFrom = … }`)
 * send read-only commands (GET, MGET, HGETALL, ZRANGE, XRANGE, …). Writes, blocking commands, transactions and
 * anything not known to be read-only always go to the primary (the slot's primary, or the Sentinel master).
 * Replicas are asynchronous: a read from one may miss the latest writes.
 *
 * A node a read could not reach, or that did not answer within half of commandTimeout while another node could
 * serve the read, is passed over for a second; the read goes to the other role within the rest of its deadline.
 */
public enum class ReadFrom {
    /** Always the primary (the default): reads see every acknowledged write. */
    PRIMARY,

    /** The primary; a replica when the primary cannot be reached. */
    PRIMARY_PREFERRED,

    /**
     * A replica (spread round robin); fails with [RedisClusterException] when the slot has none, with
     * [io.hivepool.redis.sentinel.RedisSentinelException] when the sentinels list no replica that is up.
     */
    REPLICA,

    /** A replica when one is up, else the primary. */
    REPLICA_PREFERRED,

    /** The primary or any of its replicas, round robin (passing over nodes that just failed). */
    ANY,
}
