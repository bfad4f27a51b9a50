package io.hivepool.redis.sentinel.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.pool.ConnectionCreateException
import io.hivepool.pool.Lease
import io.hivepool.pool.Pool
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
import io.hivepool.redis.RedisTransaction
import io.hivepool.redis.internal.Replies
import io.hivepool.redis.sentinel.RedisSentinelConfig
import io.hivepool.redis.sentinel.RedisSentinelException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

private val log = KotlinLogging.logger {}

/**
 * A [RedisPool] on whatever master the sentinels name: a delegate to the pool on the current master, replaced
 * (and the old one closed in the background, waiting commandTimeout for leases) when the master switches.
 * Switches are learnt from `+switch-master` on one sentinel at a time, and by asking the sentinels again when the
 * master answers READONLY or cannot be reached (one re-resolution at a time, at least 100 ms apart).
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

    /**
     * Sends on the current master's pool. A READONLY reply or a connection failure makes the pool ask the sentinels
     * again; if the master was switched while the command ran, it is sent once more, to the new master.
     */
    override suspend fun <R> send(command: Command<R>): R {
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
        scope.launch { old.close(commandTimeout) }
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

    /** Follows `+switch-master` on one sentinel at a time; after each (re)subscription, asks for the master once. */
    private fun listen() = scope.launch {
        var i = 0
        while (isActive) {
            val sentinel = sentinels[i++ % sentinels.size]
            try {
                sentinel.subscribe(SWITCH_MASTER).collect { message ->
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
        }
    }

    override suspend fun close(grace: Duration) {
        synchronized(lock) { closed = true }
        scope.cancel()
        sentinels.forEach { it.close() }
        current.close(grace)
    }

    override fun close() {
        synchronized(lock) { closed = true }
        scope.cancel()
        sentinels.forEach { it.close() }
        current.close()
    }

    override fun toString(): String = "RedisPool(${settings.node.pool.name}, sentinel master ${settings.masterName} at $master)"

    companion object {
        private const val SWITCH_MASTER = "+switch-master"
        private val MIN_RESOLVE_INTERVAL = 100.milliseconds
        private val LISTEN_RETRY = 200.milliseconds
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
            return RealRedisSentinelPool(config, sentinels, master).also { it.listen() }
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

        private fun split(node: String): Pair<String, Int> {
            val at = node.lastIndexOf(':')
            return node.substring(0, at).removePrefix("[").removeSuffix("]") to node.substring(at + 1).toInt()
        }
    }
}
