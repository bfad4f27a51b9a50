package io.hivepool.redis.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisConnectionConfig
import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisConnectionState
import io.hivepool.redis.RedisException
import io.hivepool.redis.RedisProtocolException
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RedisTimeoutException
import io.hivepool.redis.RespValue
import io.hivepool.redis.internal.resp.RespReader
import io.ktor.network.sockets.Socket
import io.ktor.network.sockets.awaitClosed
import io.ktor.network.sockets.openReadChannel
import io.ktor.network.sockets.openWriteChannel
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration
import kotlin.time.Duration.Companion.nanoseconds

/**
 * The connection: one writer, one reader and one watchdog coroutine around a FIFO of pending replies.
 *
 * ```
 * send() --encode--> [queue] --writer: drain all, write, flush once--> socket
 *                                 \--> [pending FIFO] <--reader: one reply per head-- socket
 *                                          ^-- watchdog: head unanswered past commandTimeout => fail all
 * ```
 * The writer appends to the FIFO before writing, so a reply can never arrive for a command the FIFO does not
 * hold yet. Any failure goes through [fail] once: the socket is closed and every pending and queued command is
 * failed with the same cause, so no caller waits forever.
 */
internal class RealRedisConnection(
    override val config: RedisConnectionConfig,
    private val socket: Socket,
    private val scope: CoroutineScope,
) : RedisConnection {
    private val input = socket.openReadChannel()
    private val output = socket.openWriteChannel(autoFlush = false)
    // A batch can be taken by the writer's receive() and then dropped, never processed: when fail() cancels the
    // writer after the hand-over but before the writer runs (its wake-up still queued in a dispatcher or in an
    // Unconfined event loop). fail() no longer sees it in the queue, so it is failed here, else its caller waits forever.
    private val queue = Channel<List<Pending>>(Channel.UNLIMITED) { lost -> lost.forEach { it.reply.completeExceptionally(lostCause()) } }
    private val wakeWatchdog = Channel<Unit>(Channel.CONFLATED)
    private val endpoint = config.endpoint

    private val lock = Any()
    private val pending = ArrayDeque<Pending>() // guarded by lock
    private val tracker = StateTracker(config.db) // guarded by lock
    private var failure: RedisException? = null // guarded by lock; set once

    /** System.nanoTime() of the last reply; a command queued behind a slow one is timed from here. */
    @Volatile
    private var lastReplyAt = System.nanoTime()

    /** Flushes written so far; tests use it to see auto-pipelining. */
    private val flushCount = AtomicLong()
    internal val flushes: Long get() = flushCount.get()
    internal val pendingCount: Int get() = synchronized(lock) { pending.size }

    @Volatile
    override var protocol: Int = 2
        internal set

    @Volatile
    override var clientId: Long? = null
        internal set

    @Volatile
    override var serverVersion: String? = null
        internal set

    @Volatile
    override var pushHandler: (RespValue.Push) -> Unit = {}

    override val isOpen: Boolean get() = synchronized(lock) { failure == null }
    override val isBroken: Boolean get() = !isOpen
    override val isDirty: Boolean get() = synchronized(lock) { tracker.isDirty }
    override val state: RedisConnectionState get() = synchronized(lock) { tracker.snapshot() }

    /** Blocking commands written and not yet answered; what [state] says, without building a snapshot. */
    internal val blockingInFlight: Int get() = synchronized(lock) { tracker.blockingInFlight }

    fun start() {
        // Unconfined: an idle writer wakes in the thread of the send() that woke it and writes at once, and the
        // reader parses on the thread Ktor delivered the bytes on: each saves a thread hand-off per flush/read.
        // Commands sent while the writer is busy still pile up and leave together in its next flush. Neither
        // loop blocks, and both hold [lock] only briefly.
        scope.launch(Dispatchers.Unconfined, start = CoroutineStart.UNDISPATCHED) { writeLoop() }
        scope.launch(Dispatchers.Unconfined, start = CoroutineStart.UNDISPATCHED) { readLoop() }
        if (config.commandTimeout.isFinite()) scope.launch { watchLoop() }
    }

    override suspend fun <R> send(command: Command<R>): R {
        val reply = exchange(listOf(Pending(command.args, command.blockFor))).single()
        if (reply is RespValue.Error) throw RedisServerException(reply.code, reply.message)
        return command.decode(reply)
    }

    /**
     * Writes [batch] in one flush and returns the replies in order, error replies included (not thrown).
     * Cancellable as [send]: a cancelled caller's commands are skipped if not yet written, else read and dropped.
     */
    suspend fun exchange(batch: List<Pending>): List<RespValue> {
        if (queue.trySend(batch).isFailure) throw closedError()
        try {
            return batch.map { it.reply.await() }
        } catch (e: CancellationException) {
            batch.forEach { it.reply.cancel() }
            throw e
        }
    }

    override suspend fun reset() {
        check(synchronized(lock) { tracker.blockingInFlight } == 0) {
            "cannot reset $endpoint while a blocking command is in flight; close the connection instead"
        }
        Handshake(this, config).run(afterReset = true)
    }

    override fun close() {
        fail(RedisConnectionException("connection to $endpoint was closed by the client"))
    }

    /** Suspends until the socket is really closed: Ktor finishes closing it asynchronously after [close]. */
    internal suspend fun awaitClosed() {
        socket.awaitClosed()
    }

    override fun toString(): String = "RedisConnection($endpoint, protocol=$protocol, open=$isOpen)"

    private suspend fun writeLoop() {
        val batch = ArrayList<Pending>()
        try {
            while (true) {
                batch.clear()
                batch.addAll(queue.receive())
                // Auto-pipelining: everything queued while the last write was under way leaves in this flush.
                while (true) batch.addAll(queue.tryReceive().getOrNull() ?: break)
                val now = System.nanoTime()
                var toWrite = 0
                synchronized(lock) {
                    val cause = failure
                    for (i in batch.indices) {
                        val p = batch[i]
                        when {
                            cause != null -> p.reply.completeExceptionally(cause)
                            p.reply.isCancelled -> {} // cancelled before it left: never sent
                            else -> {
                                batch[toWrite++] = p
                                p.writtenAt = now
                                if (tracker.onWrite(p.effect, p.args, protocol)) pending.addLast(p) else p.reply.complete(RespValue.Null)
                            }
                        }
                    }
                    if (cause != null) return
                }
                if (toWrite == 0) continue
                wakeWatchdog.trySend(Unit)
                for (i in 0 until toWrite) output.writeFully(batch[i].bytes)
                output.flush()
                flushCount.incrementAndGet()
            }
        } catch (e: CancellationException) {
            throw e
        } catch (e: Throwable) {
            fail(RedisConnectionException("writing to $endpoint failed: ${e.message ?: e::class.simpleName}", e))
        }
    }

    private suspend fun readLoop() {
        val reader = RespReader(input, config.maxBulkLength, config.maxNestingDepth)
        try {
            while (true) {
                val value = reader.read() ?: throw RedisConnectionException("connection closed by the server ($endpoint)")
                val push = asPush(value)
                if (push != null) {
                    deliver(push)
                    continue
                }
                val p = synchronized(lock) {
                    pending.removeFirstOrNull()?.also { tracker.onReply(it.effect, it.args, value) }
                } ?: throw RedisProtocolException("invalid RESP from server: a reply arrived with no command waiting for it: ${value.toString().take(100)}")
                lastReplyAt = System.nanoTime()
                p.reply.complete(value)
            }
        } catch (e: CancellationException) {
            throw e
        } catch (e: RedisException) {
            fail(e)
        } catch (e: Throwable) {
            fail(RedisConnectionException("reading from $endpoint failed: ${e.message ?: e::class.simpleName}", e))
        }
    }

    /** RESP3 push frames, and in RESP2 the arrays a subscribed connection receives instead of replies. */
    private fun asPush(value: RespValue): RespValue.Push? {
        if (value is RespValue.Push) return value
        if (protocol == 2 && value is RespValue.Array && synchronized(lock) { tracker.isSubscribed }) {
            val kind = (value.elements.firstOrNull() as? RespValue.BulkString)?.asString()
            if (kind in RESP2_PUBSUB_KINDS) return RespValue.Push(value.elements)
        }
        return null
    }

    private fun deliver(push: RespValue.Push) {
        try {
            pushHandler(push)
        } catch (e: Throwable) {
            if (e is CancellationException) throw e
            // A faulty handler must not take the connection down with it.
        }
    }

    private suspend fun watchLoop() {
        while (true) {
            val head = synchronized(lock) { pending.firstOrNull() }
            if (head == null) {
                wakeWatchdog.receive()
                continue
            }
            val limit = config.commandTimeout + head.blockFor
            if (limit.isInfinite()) {
                delay(config.commandTimeout) // nothing can time out while this head is in front; look again later
                continue
            }
            // Time from when the head was written or the previous reply came, whichever is later:
            // a command stuck behind a slow one is not blamed for the wait.
            val since = maxOf(head.writtenAt, lastReplyAt)
            val remaining = limit - (System.nanoTime() - since).nanoseconds
            if (remaining.isPositive()) {
                delay(remaining)
                continue
            }
            if (synchronized(lock) { pending.firstOrNull() } !== head) continue
            val waiting = synchronized(lock) { pending.size }
            fail(
                RedisTimeoutException(
                    "no reply to ${head.name} from $endpoint within ${config.commandTimeout} (commandTimeout); " +
                        "the connection was closed and $waiting pending command(s) failed",
                ),
            )
            return
        }
    }

    /** Breaks the connection once: closes the socket, fails every pending and queued command with [cause]. */
    internal fun fail(cause: RedisException) {
        val failed: List<Pending>
        synchronized(lock) {
            if (failure != null) return
            failure = cause
            failed = pending.toList()
            pending.clear()
        }
        queue.close()
        while (true) queue.tryReceive().getOrNull()?.forEach { it.reply.completeExceptionally(cause) } ?: break
        failed.forEach { it.reply.completeExceptionally(cause) }
        try {
            socket.close()
        } catch (_: Throwable) {
        }
        scope.cancel()
    }

    private fun lostCause(): RedisException =
        synchronized(lock) { failure } ?: RedisConnectionException("connection to $endpoint failed before the command was written")

    private fun closedError(): RedisConnectionException {
        val cause = synchronized(lock) { failure }
        return RedisConnectionException("connection to $endpoint is closed${cause?.let { ": ${it.message}" } ?: ""}", cause)
    }

    private companion object {
        val RESP2_PUBSUB_KINDS = setOf(
            "message", "pmessage", "smessage", "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe",
        )
    }
}
