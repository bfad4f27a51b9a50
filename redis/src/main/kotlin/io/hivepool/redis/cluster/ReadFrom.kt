package io.hivepool.redis.cluster

/**
 * Where the cluster client sends read-only commands (GET, MGET, HGETALL, ZRANGE, XRANGE, …). Writes, blocking
 * commands, transactions and anything not known to be read-only always go to the slot's primary. Replicas are
 * asynchronous: a read from one may miss the latest writes.
 */
public enum class ReadFrom {
    /** Always the primary (the default): reads see every acknowledged write. */
    PRIMARY,

    /** The primary; a replica when the primary cannot be reached. */
    PRIMARY_PREFERRED,

    /** A replica of the slot (spread round robin); fails with [RedisClusterException] when the slot has none. */
    REPLICA,

    /** A replica of the slot when it has one, else the primary. */
    REPLICA_PREFERRED,

    /** The primary or any of its replicas, round robin. */
    ANY,
}
