package io.hivepool.redis.sentinel.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.pool.ConnectionCreateException
import io.hivepool.pool.Lease
import io.hivepool.pool.Pool
import io.hivepool.pool.PoolClosedException
import io.hivepool.pool.PoolStats
import io.hivepool.redis.Command
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisPipeline
import io.hivepool.redis.RedisPool
import io.hivepool.redis.RedisPoolConfig
import io.hivepool.redis.RedisPoolConnections
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RedisTimeoutException
import io.hivepool.redis.RedisTransaction
import io.hivepool.redis.cluster.ReadFrom
import io.hivepool.redis.cluster.internal.KeyPositions
import io.hivepool.redis.cluster.internal.NodeHealth
import io.hivepool.redis.cluster.internal.ReadRoute
import io.hivepool.redis.internal.Replies
import io.hivepool.redis.sentinel.RedisSentinelConfig
import io.hivepool.redis.sentinel.RedisSentinelException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private val log = KotlinLogging.logger {}

/**
 * A [RedisPool] on whatever master the sentinels name: a delegate to the pool on the current master, replaced
 * (and the old one closed in the background, waiting commandTimeout for leases) when the master switches.
 * Switches are learnt from `+switch-master` on one sentinel at a time, and by asking the sentinels again when the
 * master answers READONLY or cannot be reached (one re-resolution at a time, at least 100 ms apart).
 *
 * With `readFrom` other than PRIMARY, read-only commands ([KeyPositions.isReadOnly], the cluster client's table)
 * sent through [send] go where [ReadRoute] says among the master and the [SentinelReplicas]; see [read].
 */
internal class RealRedisSentinelPool private constructor(
    private val settings: RedisSentinelConfig,
    private val sentinels: List<RedisPool>,
    master: String,
) : RedisPool {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineName("hivepool-sentinel-${settings.masterName}"))
    private val commandTimeout = settings.node.connection.commandTimeout
    private val lock = Any()

    @Volatile
    private var current: RedisPool = poolOn(master) // written under lock

    @Volatile
    private var master: String = master // written under lock

    private val resolving = AtomicBoolean(false)

    private val readFrom = settings.readFrom

    /** The replicas' pools; empty (and never refreshed) when readFrom is PRIMARY. */
    internal val replicas = SentinelReplicas(settings, sentinels, scope)
    private val health = NodeHealth()
    private val nextReplica = AtomicInteger()
    private val commandTimeoutNanos = commandTimeout.inWholeNanoseconds
    private val boundMillis = maxOf(1L, commandTimeout.inWholeMilliseconds / 2)

    @Volatile
    private var closed = false

    /** `host:port` of the master the pool points at now. */
    val masterAddress: String get() = master

    override val name: String get() = settings.node.pool.name
    override val config: RedisPoolConfig get() = current.config
    override val stats: PoolStats get() = current.stats
    override val connections: RedisPoolConnections get() = current.connections
    override val pool: Pool<RedisConnection> get() = current.pool

    private fun poolOn(node: String): RedisPool {
        val (host, port) = split(node)
        return RedisPool(settings.node.forNode(host, port, readOnly = false, name = settings.node.pool.name))
    }

    /** A read-only command under readFrom (other than PRIMARY) goes to [read]; everything else to [sendToMaster]. */
    override suspend fun <R> send(command: Command<R>): R {
        if (readFrom != ReadFrom.PRIMARY && KeyPositions.isReadOnly(KeyPositions.name(command.args), command.args)) return read(command)
        return sendToMaster(command)
    }

    /**
     * Sends on the current master's pool. A READONLY reply or a connection failure makes the pool ask the sentinels
     * again; if the master was switched while the command ran, it is sent once more, to the new master.
     */
    private suspend fun <R> sendToMaster(command: Command<R>): R {
        val target = current
        try {
            return target.send(command)
        } catch (e: RedisServerException) {
            if (e.code != "READONLY") throw e
            return retryAfterSwitch(target, command, e)
        } catch (e: RedisConnectionException) {
            return retryAfterSwitch(target, command, e)
        } catch (e: ConnectionCreateException) {
            return retryAfterSwitch(target, command, e)
        }
    }

    private suspend fun <R> retryAfterSwitch(target: RedisPool, command: Command<R>, e: Exception): R {
        requestResolve()
        val now = current
        if (now === target) throw e
        return now.send(command)
    }

    /**
     * A read-only command under readFrom: on the master or a replica as [ReadRoute.choose] says. A node that cannot
     * be reached (or, when another node could serve the read, does not answer within half of commandTimeout) is
     * marked down for a second and the read goes elsewhere, within commandTimeout from the first attempt; the
     * replicas are listed again. The first attempt arms no timer unless it is bounded; retries run under the time left.
     */
    private suspend fun <R> read(command: Command<R>): R {
        val started = System.nanoTime()
        var last: Exception? = null
        var failures = 0
        while (true) {
            val listed = replicas.current
            val masterNow = master
            val i = ReadRoute.choose(readFrom, masterNow, listed.addresses, health, ::nextIndex)
            if (i == ReadRoute.NO_REPLICA) {
                replicas.requestRefresh { master }
                throw RedisSentinelException(
                    "readFrom = REPLICA, but the sentinels list no replica of '${settings.masterName}' that is up",
                    last,
                )
            }
            val node = if (i == ReadRoute.PRIMARY) masterNow else listed.addresses[i]
            if (readFrom == ReadFrom.REPLICA && last != null && health.isDown(node)) {
                throw RedisSentinelException(
                    "readFrom = REPLICA, but no replica of '${settings.masterName}' answered " +
                        "(tried ${listed.addresses.joinToString()})",
                    last,
                )
            }
            // every allowed node failed lately: wait a little (10 ms, doubling to 100 ms) rather than spin on refusals
            if (last != null && health.isDown(node)) delay(minOf(10L shl minOf(failures - 1, 4), 100L))
            val bounded = ReadRoute.hasFallback(readFrom, listed.addresses.size)
            try {
                val attempt: suspend () -> R = when {
                    i == ReadRoute.PRIMARY && bounded -> { { ReadRoute.sendBounded(current, command, boundMillis) } }
                    i == ReadRoute.PRIMARY -> { { sendToMaster(command) } }
                    bounded -> { { ReadRoute.sendBounded(listed.pools[i], command, boundMillis) } }
                    else -> { { listed.pools[i].send(command) } }
                }
                return if (last == null) attempt() else withinDeadline(started, command) { attempt() }
            } catch (e: ReadRoute.NoAnswerInBound) {
                last = RedisTimeoutException("$node did not answer ${command.name} within half of commandTimeout")
            } catch (e: RedisTimeoutException) {
                if (!bounded) throw e
                last = e
            } catch (e: RedisServerException) {
                // a replica loading its data set, or cut from its master with replica-serve-stale-data no
                if (i == ReadRoute.PRIMARY || (e.code != "LOADING" && e.code != "MASTERDOWN")) throw e
                last = e
            } catch (e: RedisConnectionException) {
                last = e
            } catch (e: ConnectionCreateException) {
                last = e
            } catch (e: PoolClosedException) {
                if (closed) throw e
                last = e // the node's pool was retired under us (a switch, or the replica left the list)
            }
            failures++
            health.markDown(node)
            if (i == ReadRoute.PRIMARY) requestResolve() else replicas.requestRefresh { master }
            if (System.nanoTime() - started >= commandTimeoutNanos + command.blockFor.inWholeNanoseconds) throw last
        }
    }

    private suspend fun <R> withinDeadline(started: Long, command: Command<R>, block: suspend () -> R): R {
        val left = commandTimeoutNanos + command.blockFor.inWholeNanoseconds - (System.nanoTime() - started)
        if (left <= 0) throw RedisTimeoutException("no answer to ${command.name} within commandTimeout")
        return try {
            withTimeout(left / 1_000_000 + 1) { block() }
        } catch (e: TimeoutCancellationException) {
            throw RedisTimeoutException("no answer to ${command.name} within commandTimeout while trying another node", e)
        }
    }

    private fun nextIndex(n: Int): Int = (nextReplica.getAndIncrement() and Int.MAX_VALUE) % n

    override suspend fun acquire(): Lease<RedisConnection> = current.acquire()
    override suspend fun <R> use(block: suspend (RedisConnection) -> R): R = current.use(block)
    override suspend fun <R> transaction(block: suspend RedisTransaction.() -> R): R = current.transaction(block)
    override suspend fun pipeline(block: RedisPipeline.() -> Unit): List<Any?> = current.pipeline(block)
    override fun subscribe(vararg channels: String): Flow<PubSubMessage> = current.subscribe(*channels)
    override fun psubscribe(vararg patterns: String): Flow<PubSubMessage> = current.psubscribe(*patterns)

    /** Points new commands and leases at [node] and closes the old master's pool in the background. */
    private fun switchTo(node: String) {
        val old = synchronized(lock) {
            if (closed || node == master) return
            val old = current
            current = poolOn(node)
            master = node
            old
        }
        log.info { "sentinel master ${settings.masterName} switched to $node; retiring the pool on the old master" }
        health.markUp(node)
        scope.launch { old.close(commandTimeout) }
        if (readFrom != ReadFrom.PRIMARY) replicas.requestRefresh { master }
    }

    /** Asks the sentinels for the master in the background, unless a request is already running. */
    private fun requestResolve() {
        if (closed || !resolving.compareAndSet(false, true)) return
        scope.launch {
            try {
                switchTo(resolve(settings, sentinels))
            } catch (_: Exception) {
                // the next failing command asks again
            } finally {
                delay(MIN_RESOLVE_INTERVAL)
                resolving.set(false)
            }
        }
    }

    /**
     * Follows `+switch-master` (and, for readFrom, the replica events) on one sentinel at a time; after each
     * (re)subscription, asks for the master (and the replicas) once.
     */
    private fun listen() = scope.launch {
        var i = 0
        val channels = if (readFrom == ReadFrom.PRIMARY) arrayOf(SWITCH_MASTER) else arrayOf(SWITCH_MASTER) + REPLICA_EVENTS
        while (isActive) {
            val sentinel = sentinels[i++ % sentinels.size]
            try {
                sentinel.subscribe(*channels).collect { message ->
                    if (message.channel != SWITCH_MASTER) {
                        if (replicas.concerns(message.payload)) replicas.requestRefresh { master }
                        return@collect
                    }
                    // "<name> <old-ip> <old-port> <new-ip> <new-port>"
                    val words = message.payload.split(' ')
                    if (words.size == 5 && words[0] == settings.masterName) {
                        val node = "${words[3]}:${words[4]}"
                        if (isMaster(settings, node)) switchTo(node) else requestResolve()
                    }
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                log.debug { "sentinel ${settings.sentinels.getOrNull((i - 1) % sentinels.size)} subscription ended: $e" }
            }
            delay(LISTEN_RETRY)
            requestResolve() // a switch may have been missed while no subscription was open
            if (readFrom != ReadFrom.PRIMARY) replicas.requestRefresh { master }
        }
    }

    /** Lists the replicas again every [REPLICA_REFRESH], in case an event was missed. */
    private fun refreshReplicasPeriodically() = scope.launch {
        while (isActive) {
            delay(REPLICA_REFRESH)
            replicas.requestRefresh { master }
        }
    }

    override suspend fun close(grace: Duration) {
        synchronized(lock) { closed = true }
        scope.cancel()
        sentinels.forEach { it.close() }
        replicas.close(grace)
        current.close(grace)
    }

    override fun close() {
        synchronized(lock) { closed = true }
        scope.cancel()
        sentinels.forEach { it.close() }
        replicas.close()
        current.close()
    }

    override fun toString(): String = "RedisPool(${settings.node.pool.name}, sentinel master ${settings.masterName} at $master)"

    companion object {
        private const val SWITCH_MASTER = "+switch-master"
        private val MIN_RESOLVE_INTERVAL = 100.milliseconds
        private val LISTEN_RETRY = 200.milliseconds
        private val REPLICA_REFRESH = 30.seconds
        private val REPLICA_EVENTS = arrayOf("+slave", "+sdown", "-sdown", "+convert-to-slave", "+slave-reconf-done")
        private val GET_MASTER = { name: String ->
            Command(listOf("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name)) { r -> Replies.elements(r).map(Replies::string) }
        }
        private val ROLE = Command(listOf("ROLE")) { r -> Replies.string(Replies.elements(r).first()) }

        suspend fun start(config: RedisSentinelConfig): RealRedisSentinelPool {
            val sentinels = config.sentinels.map { s ->
                val (host, port) = split(s)
                RedisPool(config.sentinel.forNode(host, port, readOnly = false, name = "${config.sentinel.pool.name}-$s"))
            }
            val master = try {
                resolve(config, sentinels)
            } catch (e: Throwable) {
                sentinels.forEach { it.close() }
                throw e
            }
            val pool = RealRedisSentinelPool(config, sentinels, master)
            if (config.readFrom != ReadFrom.PRIMARY) {
                try {
                    pool.replicas.refresh(master)
                } catch (e: Throwable) {
                    pool.close()
                    throw e
                }
                pool.refreshReplicasPeriodically()
            }
            return pool.also { it.listen() }
        }

        /** Asks each sentinel in turn for the master and returns the first answer that ROLE confirms. */
        private suspend fun resolve(config: RedisSentinelConfig, sentinels: List<RedisPool>): String {
            var last: Throwable? = null
            val answers = ArrayList<String>()
            for ((i, sentinel) in sentinels.withIndex()) {
                try {
                    val address = withTimeoutOrNull(config.node.connection.commandTimeout) { sentinel.send(GET_MASTER(config.masterName)) }
                    if (address == null || address.size < 2) {
                        answers += "${config.sentinels[i]}: ${if (address == null) "no answer" else "does not know '${config.masterName}'"}"
                        continue
                    }
                    val node = "${address[0]}:${address[1]}"
                    if (isMaster(config, node)) return node
                    answers += "${config.sentinels[i]}: names $node, which is not a master"
                } catch (e: CancellationException) {
                    throw e
                } catch (e: Exception) {
                    last = e
                    answers += "${config.sentinels[i]}: $e"
                }
            }
            throw RedisSentinelException("no sentinel named a master for '${config.masterName}' that answers ROLE as master (${answers.joinToString("; ")})", last)
        }

        /** True when [node] answers ROLE with `master`, on a one-off connection made with the master pool's settings. */
        private suspend fun isMaster(config: RedisSentinelConfig, node: String): Boolean {
            val (host, port) = split(node)
            return try {
                RedisConnection.connect(config.node.connection.copy(host = host, port = port)).use { it.send(ROLE) } == "master"
            } catch (e: CancellationException) {
                throw e
            } catch (_: Exception) {
                false
            }
        }

        fun split(node: String): Pair<String, Int> {
            val at = node.lastIndexOf(':')
            return node.substring(0, at).removePrefix("[").removeSuffix("]") to node.substring(at + 1).toInt()
        }
    }
}
