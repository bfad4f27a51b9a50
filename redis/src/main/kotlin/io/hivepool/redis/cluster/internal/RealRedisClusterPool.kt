package io.hivepool.redis.cluster.internal

import io.hivepool.pool.PoolStats
import io.hivepool.redis.Command
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisPipeline
import io.hivepool.redis.RedisPool
import io.hivepool.redis.RedisTransaction
import io.hivepool.redis.cluster.RedisClusterConfig
import io.hivepool.redis.cluster.RedisClusterException
import io.hivepool.redis.cluster.RedisClusterPool
import io.hivepool.redis.cluster.RedisCrossSlotException
import io.hivepool.redis.scan
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.merge
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The cluster client: the [Topology] (slot map, refreshes), the [NodePools], and [Dispatcher] (one command's
 * route, redirects and retries). Commands go through the node pools' own `send`, so they use those pools'
 * shared connections and exclusive leases exactly as a single-server pool would.
 */
internal class RealRedisClusterPool(override val config: RedisClusterConfig) : RedisClusterPool {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineName("hivepool-cluster-${config.name}"))
    internal val pools = NodePools(config, scope)
    internal val topology = Topology()
    private val dispatcher = Dispatcher(this)
    private val commandTimeout = config.node.connection.commandTimeout

    private val loadLock = Mutex()
    private val refreshing = AtomicBoolean(false)

    @Volatile
    private var lastRefreshNanos = 0L

    /** Set once a node answered that it has no CLUSTER SHARDS: CLUSTER SLOTS is read from then on. */
    @Volatile
    internal var shardsUnknown = false
        private set

    @Volatile
    internal var closed = false
        private set

    init {
        scope.launch {
            while (true) {
                delay(config.topologyRefreshInterval)
                runCatching { refreshTopology() }
            }
        }
    }

    override suspend fun <R> send(command: Command<R>): R {
        val name = KeyPositions.name(command.args)
        refuseNodeLocal(name)
        if (isBroadcast(name, command.args)) return broadcast(command)
        return dispatcher.dispatch(command, slotOf(name, command.args), dispatcher.isRead(name, command.args))
    }

    /** The one slot of the command's keys, -1 for a keyless command. @throws RedisCrossSlotException */
    internal fun slotOf(name: String, args: List<Any>): Int {
        val keys = KeyPositions.keys(name, args)
        if (keys.isEmpty()) return -1
        val slot = SlotHash.slotOfArg(keys[0])
        for (i in 1 until keys.size) {
            if (SlotHash.slotOfArg(keys[i]) != slot) {
                val slots = LinkedHashMap<Int, String>()
                for (k in keys) slots.getOrPut(SlotHash.slotOfArg(k)) { if (k is ByteArray) k.decodeToString() else k.toString() }
                throw RedisCrossSlotException(name, slots)
            }
        }
        return slot
    }

    private fun refuseNodeLocal(name: String) {
        if (name == "SCAN" || name == "KEYS") {
            throw IllegalArgumentException(
                "$name answers for one node only, so a cluster client cannot send it as one command; use cluster.scan(…), " +
                    "which walks every primary, or nodePool(\"host:port\") for one node",
            )
        }
    }

    private fun isBroadcast(name: String, args: List<Any>): Boolean = when (name) {
        "FLUSHALL", "FLUSHDB" -> true
        "SCRIPT" -> args.size > 1 && args[1].toString().uppercase().let { it == "LOAD" || it == "FLUSH" }
        else -> false
    }

    private suspend fun <R> broadcast(command: Command<R>): R {
        ensureTopology()
        val primaries = topology.shards.map { it.primary }
        return coroutineScope { primaries.map { async { pools.primary(it).send(command) } }.awaitAll() }.first()
    }

    override suspend fun pipeline(block: RedisPipeline.() -> Unit): List<Any?> = ClusterPipeline(this, dispatcher).run(block)

    override suspend fun <R> transaction(hashKey: String, block: suspend RedisTransaction.() -> R): R =
        primaryOf(SlotHash.slotOf(hashKey)).transaction(block)

    override suspend fun <R> use(hashKey: String, block: suspend (RedisConnection) -> R): R =
        primaryOf(SlotHash.slotOf(hashKey)).use(block)

    private suspend fun primaryOf(slot: Int): RedisPool {
        ensureTopology()
        val shard = topology.owner(slot) ?: throw RedisClusterException("no node serves slot $slot in cluster ${config.name}")
        return pools.primary(shard.primary)
    }

    override fun scan(match: String?, count: Int?, type: String?): Flow<String> = flow {
        ensureTopology()
        for (shard in topology.shards) emitAll(pools.primary(shard.primary).scan(match, count, type))
    }

    override fun subscribe(vararg channels: String): Flow<PubSubMessage> = flow {
        ensureTopology()
        val shards = topology.shards
        if (shards.isEmpty()) throw RedisClusterException("no primary known in cluster ${config.name}")
        emitAll(pools.primary(shards[topology.nextIndex(shards.size)].primary).subscribe(*channels))
    }

    override fun ssubscribe(vararg channels: String): Flow<PubSubMessage> {
        require(channels.isNotEmpty()) { "ssubscribe needs at least one channel" }
        val bySlot = channels.distinct().groupBy(SlotHash::slotOf)
        return bySlot.map { (slot, inSlot) -> ShardedSubscription(this, slot, inSlot).flow() }.let { flows ->
            flows.singleOrNull() ?: flows.merge()
        }
    }

    override fun slotOf(key: String): Int = SlotHash.slotOf(key)

    override fun primaryFor(key: String): String? = topology.owner(SlotHash.slotOf(key))?.primary

    override val primaries: List<String> get() = topology.shards.map { it.primary }

    override fun nodePool(hostAndPort: String): RedisPool? = pools.existing(hostAndPort)

    override fun nodeStats(): Map<String, PoolStats> = pools.stats()

    override val stats: PoolStats get() = pools.total()

    /** Reads the topology when none was read yet; callers at start share one read. */
    internal suspend fun ensureTopology() {
        if (topology.isLoaded) return
        loadLock.withLock { if (!topology.isLoaded) refreshTopology() }
    }

    override suspend fun refreshTopology() {
        if (closed) throw RedisClusterException("cluster client ${config.name} is closed")
        var last: Throwable? = null
        val tried = ArrayList<String>()
        for (node in topology.candidates(config.seeds)) {
            tried += node
            try {
                val ranges = readTopology(node)
                if (ranges.isEmpty()) throw RedisClusterException("$node serves no slots (is it a cluster node that joined?)")
                pools.retain(topology.apply(ranges))
                lastRefreshNanos = System.nanoTime()
                return
            } catch (e: kotlinx.coroutines.CancellationException) {
                throw e
            } catch (e: Exception) {
                last = e
                topology.suspect(node)
            }
        }
        throw RedisClusterException(
            "no node of cluster ${config.name} answered ${if (shardsUnknown) "CLUSTER SLOTS" else "CLUSTER SHARDS"} (tried ${tried.joinToString()})",
            last,
        )
    }

    /**
     * The slot map as [node] sees it: CLUSTER SHARDS (Redis 7+, which names each node's health), or CLUSTER SLOTS
     * once a node answered that it does not know SHARDS (6.x and older); that answer is remembered for the client's
     * lifetime, so an older cluster costs one extra round trip once.
     */
    private suspend fun readTopology(node: String): List<SlotRange> {
        val timeout = minOf(commandTimeout, REFRESH_TIMEOUT)
        val pool = pools.primary(node)
        val host = ClusterSlots.split(node).first
        if (!shardsUnknown) {
            try {
                val reply = withTimeoutOrNull(timeout) { pool.send(ClusterShards.COMMAND) }
                    ?: throw RedisClusterException("$node did not answer CLUSTER SHARDS within $timeout")
                return ClusterShards.parse(reply, host, config.node.connection.tls)
            } catch (e: io.hivepool.redis.RedisServerException) {
                if (!ClusterShards.isUnknown(e)) throw e
                shardsUnknown = true
            }
        }
        val reply = withTimeoutOrNull(timeout) { pool.send(ClusterSlots.COMMAND) }
            ?: throw RedisClusterException("$node did not answer CLUSTER SLOTS within $timeout")
        return ClusterSlots.parse(reply, host)
    }

    /**
     * Asks for a topology read in the background: at most one runs at a time, and none sooner than
     * topologyRefreshMinInterval after the last, so a burst of MOVED replies or failures costs one read.
     */
    internal fun requestRefresh() {
        if (closed || !refreshing.compareAndSet(false, true)) return
        scope.launch {
            try {
                val wait = config.topologyRefreshMinInterval.inWholeNanoseconds - (System.nanoTime() - lastRefreshNanos)
                if (wait > 0) delay(wait / 1_000_000 + 1)
                refreshTopology()
            } catch (_: Exception) {
                // the callers that asked keep retrying (and asking) until their deadline
            } finally {
                refreshing.set(false)
            }
        }
    }

    override suspend fun close(grace: Duration) {
        closed = true
        scope.cancel()
        pools.close(grace)
    }

    override fun close() {
        closed = true
        scope.cancel()
        pools.close()
    }

    override fun toString(): String = "RedisClusterPool(${config.name}, primaries=$primaries)"

    private companion object {
        val REFRESH_TIMEOUT = 2.seconds
    }
}
