package io.hivepool.redis.cluster

import io.hivepool.pool.PoolStats
import io.hivepool.redis.Command
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisCommands
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisPipeline
import io.hivepool.redis.RedisPool
import io.hivepool.redis.RedisTransaction
import io.hivepool.redis.cluster.internal.RealRedisClusterPool
import kotlinx.coroutines.flow.Flow
import kotlin.time.Duration

/** Builds a cluster client from [config]; see [redisCluster]. */
public fun RedisClusterPool(config: RedisClusterConfig): RedisClusterPool = RealRedisClusterPool(config)

/**
 * A Redis Cluster client: one [RedisPool] per node (all built from [RedisClusterConfig.node]) and a router that
 * sends each command to the node serving its key's slot. It implements the same [send] as a pool, so every typed
 * command (`cluster.get(k)`, `cluster.zadd(…)`) works unchanged, as pool-level commands on the node's shared
 * connections; blocking commands lease a connection on the key's node. Thread-safe; close it when done.
 *
 * Routing: the CRC16 slot of the key (of its `{hash tag}` when it has one). Keyless commands go to any primary;
 * FLUSHALL, FLUSHDB, SCRIPT LOAD and SCRIPT FLUSH go to every primary (the first primary's reply is returned).
 * Multi-key commands (MGET, DEL, EXISTS, MSET, SINTER, EVAL with keys, …) whose keys hash to different slots
 * fail before anything is sent, with [RedisCrossSlotException] naming the slots: they are **not** split per node,
 * so a multi-key command stays atomic as on one server. SCAN and KEYS are refused (their answer covers one node):
 * use [scan].
 *
 * Redirections: MOVED updates the slot map and retries on the named node; ASK sends ASKING and the command once
 * to the named node; after [RedisClusterConfig.maxRedirects] of them the command fails with
 * [RedisClusterException]. TRYAGAIN, CLUSTERDOWN and LOADING replies, and nodes that cannot be reached (refused,
 * reset: the topology is re-read meanwhile), are retried with backoff until the command's deadline
 * (`commandTimeout`, plus the block time of a blocking command, from the first attempt); then the last error is
 * thrown. A command whose connection broke after it was written may thus run twice; a reply that timed out
 * ([io.hivepool.redis.RedisTimeoutException]) is never retried.
 */
public interface RedisClusterPool : RedisCommands, AutoCloseable {
    /** The configuration it was built with. */
    public val config: RedisClusterConfig

    /**
     * Sends [command] to the node serving its keys (see the class KDoc for routing, redirects and retries).
     * Cancellable as [RedisPool.send]; a cancelled command is never retried.
     *
     * @throws RedisCrossSlotException its keys span slots (nothing was sent)
     * @throws RedisClusterException too many redirects, or no node serves the slot
     * @throws io.hivepool.redis.RedisServerException the node answered with an error
     * @throws io.hivepool.redis.RedisConnectionException the node could not be reached until the deadline
     */
    override suspend fun <R> send(command: Command<R>): R

    /**
     * Records the commands [block] queues and sends them per node, one flush per node, all nodes at once; returns
     * every reply in the order queued (a failed command's exception in its place). A command answered with a
     * redirect or TRYAGAIN is re-sent on its own, as [send] would. Cancellable: cancels the per-node flushes.
     */
    public suspend fun pipeline(block: RedisPipeline.() -> Unit): List<Any?>

    /**
     * Runs [block] as a [RedisPool.transaction] on the primary serving [hashKey]'s slot: every key the block
     * touches must hash to that slot (use a hash tag), or the server answers CROSSSLOT (or MOVED for a key of
     * another slot, which is thrown, not followed: a transaction is never re-run by the client).
     */
    public suspend fun <R> transaction(hashKey: String, block: suspend RedisTransaction.() -> R): R

    /** Runs [block] on a connection leased exclusively from the primary serving [hashKey]'s slot ([RedisPool.use]). */
    public suspend fun <R> use(hashKey: String, block: suspend (RedisConnection) -> R): R

    /**
     * SCAN over every primary, one after the other, as one cold flow of key names (each primary's keys once, with
     * SCAN's own guarantees per node). The primaries are those of the topology when collection starts.
     */
    public fun scan(match: String? = null, count: Int? = null, type: String? = null): Flow<String>

    /** Messages published to [channels] (anywhere in the cluster: PUBLISH reaches every node), read from one primary. */
    public fun subscribe(vararg channels: String): Flow<PubSubMessage>

    /**
     * Messages published with SPUBLISH to the shard [channels] (sharded pub/sub, Redis 7+), as a cold flow. Each
     * channel is heard on the primary serving its slot: channels sharing a slot (a `{hash tag}`) share one
     * connection leased from that node's pool; channels of several slots are merged from one connection per slot.
     * The subscription follows its slot: when the slot moves to another node (the server then unsubscribes us) or
     * its node fails, it reads the topology again and subscribes on the new owner, retrying with backoff (at most
     * 1 s apart) until it succeeds, the collector stops, or the client is closed. Messages published while it is
     * moving are not delivered (pub/sub is at-most-once). When the collector stops or is cancelled, the connection
     * is reset and returned. An error reply other than MOVED, TRYAGAIN, CLUSTERDOWN, LOADING or MASTERDOWN ends the
     * flow with that [io.hivepool.redis.RedisServerException]: servers before 7.0 have no SSUBSCRIBE (`unknown
     * command`), an ACL may refuse it.
     *
     * @throws IllegalArgumentException no channel given
     */
    public fun ssubscribe(vararg channels: String): Flow<PubSubMessage>

    /** The slot (0..16383) of [key]: CRC16 of the key, or of its hash tag. */
    public fun slotOf(key: String): Int

    /** `host:port` of the primary serving [key]'s slot in the slot map now, or null before the topology was read. */
    public fun primaryFor(key: String): String?

    /** `host:port` of the primaries serving slots now, in slot order (empty before the topology was read). */
    public val primaries: List<String>

    /** The pool of the node at [hostAndPort] (`"10.0.0.1:7000"`) if the client has one, e.g. to run node-local commands. */
    public fun nodePool(hostAndPort: String): RedisPool?

    /** The stats of every node pool now open, by `host:port` (a replica's read pool as `host:port (replica)`). */
    public fun nodeStats(): Map<String, PoolStats>

    /**
     * The stats of every node pool now open, summed (`waitTimeMax`: the largest). Eventually consistent, as each
     * [PoolStats]; the counters of a node that left the topology leave the sum with its pool, so they can go down.
     * Per node: [nodeStats]; in Micrometer: [io.hivepool.redis.metrics.RedisClusterMetrics].
     */
    public val stats: PoolStats

    /**
     * Reads the topology now (CLUSTER SHARDS from the first known node that answers, CLUSTER SLOTS on servers
     * before 7.0, which do not know SHARDS; replicas whose health is not `online` get no reads), updates the slot map, opens
     * pools for new nodes lazily and closes those of departed nodes gracefully. Cancellable.
     *
     * @throws RedisClusterException no known node answered
     */
    public suspend fun refreshTopology()

    /** Closes every node pool, waiting up to [grace] for leased connections. Cancellable: only stops the waiting. */
    public suspend fun close(grace: Duration)

    /** Closes every node pool without waiting. Idempotent. */
    override fun close()
}
