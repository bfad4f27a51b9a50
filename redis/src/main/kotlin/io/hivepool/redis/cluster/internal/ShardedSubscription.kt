package io.hivepool.redis.cluster.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.pool.Lease
import io.hivepool.pool.PoolClosedException
import io.hivepool.redis.Command
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RespValue
import io.hivepool.redis.internal.Replies
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.FlowCollector
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration.Companion.seconds

private val log = KotlinLogging.logger {}

/**
 * `SSUBSCRIBE` to [channels] (all of one [slot]) on the primary serving that slot, following the slot:
 *
 * ```
 *   subscribe on owner(slot) ──ok──> listening ──sunsubscribe push (slot moved away)──> re-read topology ─┐
 *        ^   │ MOVED: take the named node                 │ connection broke / PING failed                │
 *        │   └ other failure ─> backoff ─┐                 └──> refresh requested, backoff ──┐             │
 *        └───────────────────────────────┴─────────────────────────────────────────────────┴─────────────┘
 * ```
 *
 * Each attempt leases a connection of its own on that node, routes its push frames into an inbox, and confirms
 * the subscription with a PING (an error reply to SSUBSCRIBE, such as MOVED, arrives in the PING's place, since
 * SSUBSCRIBE itself is answered by pushes). A PING every second notices a dead connection. Messages published
 * while no connection is subscribed (between a move and the re-subscription) are not delivered: pub/sub is
 * at-most-once. Retries go on until the collector stops or the cluster client is closed; an error reply that is
 * not transient (no SSUBSCRIBE before Redis 7, an ACL refusal) ends the flow with that error.
 */
internal class ShardedSubscription(
    private val cluster: RealRedisClusterPool,
    private val slot: Int,
    private val channels: List<String>,
) {
    private val commandTimeout = cluster.config.node.connection.commandTimeout

    /** What the push handler hands to the collector. */
    private sealed interface Event {
        class Message(val message: PubSubMessage) : Event
        object Moved : Event
    }

    fun flow(): Flow<PubSubMessage> = flow {
        var failures = 0
        var node: String? = null // a node named by MOVED, tried before the slot map
        while (true) {
            cluster.ensureTopology()
            val target = node ?: cluster.topology.owner(slot)?.primary
            node = null
            try {
                if (target == null) throw NoOwnerException("no node serves slot $slot in cluster ${cluster.config.name}")
                listen(target) { failures = 0 }
                // the slot moved away: read where it went before subscribing again (and never spin if a node
                // keeps dropping us right after subscribing)
                runCatching { cluster.refreshTopology() }
                delay(BASE_BACKOFF_MS)
            } catch (e: CancellationException) {
                throw e
            } catch (e: CollectorException) {
                throw e.cause // the collector's own failure ends the flow; it is never a reason to re-subscribe
            } catch (e: PoolClosedException) {
                if (cluster.closed) throw e
                failures = failed(target, ++failures, e)
            } catch (e: RedisServerException) {
                val redirect = if (e.code == "MOVED" && target != null) Redirect.parse(e.message.orEmpty(), ClusterSlots.split(target).first) else null
                when {
                    redirect != null -> {
                        cluster.topology.moved(redirect.slot, redirect.node)
                        node = redirect.node
                        cluster.requestRefresh()
                    }
                    e.code in TRANSIENT -> failures = failed(target, ++failures, e)
                    // no SSUBSCRIBE before 7.0, an ACL refusal, …: retrying would not help
                    else -> throw e
                }
            } catch (e: Exception) {
                failures = failed(target, ++failures, e)
            }
        }
    }

    private suspend fun failed(node: String?, failures: Int, e: Exception): Int {
        if (cluster.closed) throw e
        log.warn { "cluster ${cluster.config.name}: sharded subscription to $channels on ${node ?: "?"} failed (${e.message}); subscribing again" }
        node?.let(cluster.topology::suspect)
        cluster.requestRefresh()
        delay(minOf(BASE_BACKOFF_MS shl minOf(failures - 1, 6), MAX_BACKOFF_MS))
        return failures
    }

    /** Subscribes on [node] and emits its messages until the server unsubscribes us (the slot moved); throws on failures. */
    private suspend fun FlowCollector<PubSubMessage>.listen(node: String, subscribed: () -> Unit) {
        val lease: Lease<RedisConnection> = cluster.pools.primary(node).acquire()
        val conn = lease.connection
        val inbox = Channel<Event>(Channel.UNLIMITED)
        conn.pushHandler = { push -> toEvent(push)?.let { inbox.trySend(it) } }
        try {
            coroutineScope {
                conn.send(Command(listOf<Any>("SSUBSCRIBE") + channels) { })
                withTimeout(commandTimeout) { conn.send(PING) }
                subscribed()
                val health = launch {
                    while (true) {
                        delay(HEALTH_INTERVAL)
                        conn.send(PING)
                    }
                }
                for (event in inbox) {
                    when (event) {
                        is Event.Message -> try {
                            emit(event.message)
                        } catch (e: CancellationException) {
                            throw e
                        } catch (e: Throwable) {
                            throw CollectorException(e)
                        }
                        Event.Moved -> break
                    }
                }
                health.cancel()
            }
        } finally {
            conn.pushHandler = {}
            val clean = withContext(NonCancellable) {
                !conn.isBroken && withTimeoutOrNull(commandTimeout) { runCatching { conn.reset() }.isSuccess } == true && !conn.isDirty
            }
            if (clean) lease.release() else lease.discard()
        }
    }

    /** An `smessage` of ours, or a `sunsubscribe` we did not ask for (the server drops us when the slot leaves the node). */
    private fun toEvent(push: RespValue.Push): Event? {
        val e = push.elements
        return when (e.firstOrNull()?.let(Replies::stringOrNull)) {
            "smessage" -> if (e.size == 3) {
                Event.Message(PubSubMessage(Replies.string(e[1]), null, Replies.bytesOrNull(e[2]) ?: ByteArray(0)))
            } else {
                null
            }
            "sunsubscribe" -> Event.Moved
            else -> null
        }
    }

    private class NoOwnerException(message: String) : Exception(message)

    /** Marks a failure thrown by the collector while it took a message, so the retry loop lets it through. */
    private class CollectorException(override val cause: Throwable) : Exception(cause)

    private companion object {
        const val BASE_BACKOFF_MS = 10L
        const val MAX_BACKOFF_MS = 1_000L
        val HEALTH_INTERVAL = 1.seconds
        val TRANSIENT = setOf("TRYAGAIN", "CLUSTERDOWN", "LOADING", "MASTERDOWN")
        val PING = Command(listOf("PING")) { }
    }
}
