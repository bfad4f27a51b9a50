package io.hivepool.redis.sentinel.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.redis.Command
import io.hivepool.redis.RedisPool
import io.hivepool.redis.internal.Replies
import io.hivepool.redis.sentinel.RedisSentinelConfig
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private val log = KotlinLogging.logger {}

/**
 * The replicas of a Sentinel-managed master, for `readFrom`: a [RedisPool] per replica the sentinels list
 * (`SENTINEL REPLICAS`), leaving out the ones they flag `s_down`, `o_down` or `disconnected`. A plain (non-cluster)
 * replica serves reads on any connection, so the pools do not send READONLY (a non-cluster server refuses it).
 *
 * [requestRefresh] asks the sentinels again in the background (one read at a time, at least 100 ms apart); pools of
 * replicas no longer listed are closed in the background, waiting commandTimeout for their commands.
 *
 * `disconnected` is the one flag that clears without an event (a sentinel's link to a replica is back; also the
 * state of every replica for a moment after a switch, when the sentinel re-creates their links): while a listed
 * replica carries it without `s_down`, the list is read again every [RECHECK]. Once `s_down` is set, `-sdown` says
 * when it is back.
 */
internal class SentinelReplicas(
    private val settings: RedisSentinelConfig,
    private val sentinels: List<RedisPool>,
    private val scope: CoroutineScope,
) {
    /** The replicas as last listed; [addresses] and [pools] are parallel lists, replaced together. */
    class Snapshot(val addresses: List<String>, val pools: List<RedisPool>)

    private val lock = Any()

    @Volatile
    var current: Snapshot = Snapshot(emptyList(), emptyList()) // written under lock
        private set

    private val refreshing = AtomicBoolean(false)
    private val pending = AtomicBoolean(false)
    private val recheckScheduled = AtomicBoolean(false)

    @Volatile
    private var closed = false

    /** Lists the replicas now; keeps the old list when no sentinel answers. Never throws but for cancellation. */
    suspend fun refresh(master: String) {
        val listed = list() ?: return
        apply(listed.up.filter { it != master })
        if (listed.reconnecting && !closed && recheckScheduled.compareAndSet(false, true)) {
            scope.launch {
                try {
                    delay(RECHECK)
                } finally {
                    recheckScheduled.set(false)
                }
                requestRefresh { master }
            }
        }
    }

    /**
     * Asks for a [refresh] in the background: one runs at a time, at least 100 ms apart, and a request made while
     * one runs is served by another one after it (two replicas coming back a few ms apart must both be seen).
     */
    fun requestRefresh(master: () -> String) {
        pending.set(true)
        if (closed || !refreshing.compareAndSet(false, true)) return
        scope.launch {
            try {
                while (!closed && pending.getAndSet(false)) {
                    refresh(master())
                    delay(MIN_REFRESH_INTERVAL)
                }
            } finally {
                refreshing.set(false)
            }
            // a request made between the loop's last check and the reset above found refreshing still set
            if (pending.get()) requestRefresh(master)
        }
    }

    /** True when a sentinel event ([payload] of `+sdown`, `+slave`, …) is about a replica of our master. */
    fun concerns(payload: String): Boolean {
        // "<slave|master|sentinel> <name> <ip> <port> @ <master-name> <master-ip> <master-port>"
        val words = payload.split(' ')
        return words.size >= 6 && words[0] == "slave" && words[4] == "@" && words[5] == settings.masterName
    }

    /**
     * What one sentinel says: [up] = `host:port` of the replicas not flagged down or disconnected; [reconnecting] =
     * some replica is flagged `disconnected` only (no event will say when that clears).
     */
    private class Listed(val up: List<String>, val reconnecting: Boolean)

    /** The replicas as the first answering sentinel lists them, or null when none answers. */
    private suspend fun list(): Listed? {
        for ((i, sentinel) in sentinels.withIndex()) {
            try {
                val replicas = withTimeoutOrNull(settings.node.connection.commandTimeout) { sentinel.send(replicasOf(settings.masterName)) }
                if (replicas != null) return replicas
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                log.debug { "sentinel ${settings.sentinels[i]} did not list the replicas of ${settings.masterName}: $e" }
            }
        }
        return null
    }

    private fun apply(addresses: List<String>) {
        val retired = synchronized(lock) {
            if (closed) return
            val old = current
            if (old.addresses == addresses) return
            val pools = addresses.map { address ->
                old.addresses.indexOf(address).let { i -> if (i >= 0) old.pools[i] else poolOn(address) }
            }
            current = Snapshot(addresses, pools)
            old.pools.filter { it !in pools }
        }
        log.info { "sentinel master ${settings.masterName}: replicas for reads now $addresses" }
        for (pool in retired) scope.launch { pool.close(settings.node.connection.commandTimeout) }
    }

    private fun poolOn(address: String): RedisPool {
        val (host, port) = RealRedisSentinelPool.split(address)
        return RedisPool(settings.node.forNode(host, port, readOnly = false, name = "${settings.node.pool.name}-replica-$address"))
    }

    fun close() {
        val pools = synchronized(lock) {
            closed = true
            current.pools.also { current = Snapshot(emptyList(), emptyList()) }
        }
        pools.forEach { it.close() }
    }

    suspend fun close(grace: kotlin.time.Duration) {
        val pools = synchronized(lock) {
            closed = true
            current.pools.also { current = Snapshot(emptyList(), emptyList()) }
        }
        pools.forEach { it.close(grace) }
    }

    companion object {
        private val MIN_REFRESH_INTERVAL = 100.milliseconds
        private val DOWN_FLAGS = setOf("s_down", "o_down", "disconnected")

        private val RECHECK = 1.seconds

        /** `SENTINEL REPLICAS <name>`: one map (RESP3) or flat array (RESP2) of fields per replica. */
        private fun replicasOf(name: String) = Command(listOf("SENTINEL", "REPLICAS", name)) { reply ->
            var reconnecting = false
            val up = Replies.elements(reply).mapNotNull { entry ->
                val fields = Replies.stringMap(entry)
                val flags = fields["flags"].orEmpty().split(',')
                val ip = fields["ip"]
                val port = fields["port"]
                if ("disconnected" in flags && "s_down" !in flags && "o_down" !in flags) reconnecting = true
                if (ip == null || port == null || flags.any { it in DOWN_FLAGS }) null else "$ip:$port"
            }
            Listed(up, reconnecting)
        }
    }
}
