package io.hivepool.redis.internal

import io.hivepool.pool.Lease
import io.hivepool.redis.Command
import io.hivepool.redis.PubSubMessage
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RespValue
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * A cold flow of messages for `SUBSCRIBE`/`PSUBSCRIBE` [targets]. Each collection leases a dedicated connection,
 * routes its push frames (RESP3 `>`, or the arrays of RESP2 subscribe mode) into an unbounded inbox, and emits
 * them in order. A PING every [healthInterval] notices a dead connection (the push handler cannot). When the
 * collector stops, the connection is RESET (which unsubscribes) and released, or discarded if that fails.
 */
internal fun subscription(
    acquire: suspend () -> Lease<RedisConnection>,
    subscribeCommand: String,
    targets: Array<out String>,
    resetTimeout: Duration,
    healthInterval: Duration = 1.seconds,
): Flow<PubSubMessage> {
    require(targets.isNotEmpty()) { "$subscribeCommand needs at least one ${if (subscribeCommand == "PSUBSCRIBE") "pattern" else "channel"}" }
    val args = listOf<Any>(subscribeCommand, *targets)
    return flow {
        val lease = acquire()
        val conn = lease.connection
        val inbox = Channel<PubSubMessage>(Channel.UNLIMITED)
        conn.pushHandler = { push -> toMessage(push)?.let { inbox.trySend(it) } }
        try {
            coroutineScope {
                launch {
                    while (true) {
                        delay(healthInterval)
                        conn.send(PING)
                    }
                }
                conn.send(Command(args) { })
                for (message in inbox) emit(message)
            }
        } finally {
            conn.pushHandler = {}
            val clean = withContext(NonCancellable) {
                !conn.isBroken && withTimeoutOrNull(resetTimeout) { runCatching { conn.reset() }.isSuccess } == true && !conn.isDirty
            }
            if (clean) lease.release() else lease.discard()
        }
    }
}

/** A `message`, `pmessage` or `smessage` push as a [PubSubMessage]; null for anything else (confirmations, …). */
private fun toMessage(push: RespValue.Push): PubSubMessage? {
    val e = push.elements
    val kind = e.firstOrNull()?.let(Replies::stringOrNull) ?: return null
    return when {
        (kind == "message" || kind == "smessage") && e.size == 3 ->
            PubSubMessage(Replies.string(e[1]), null, Replies.bytesOrNull(e[2]) ?: ByteArray(0))
        kind == "pmessage" && e.size == 4 ->
            PubSubMessage(Replies.string(e[2]), Replies.string(e[1]), Replies.bytesOrNull(e[3]) ?: ByteArray(0))
        else -> null
    }
}

private val PING = Command(listOf("PING")) { }
