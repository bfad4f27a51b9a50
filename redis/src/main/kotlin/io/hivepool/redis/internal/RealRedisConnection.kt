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
import io.hivepool.redis.internal.resp.RespParser
import io.hivepool.redis.internal.resp.RespReader
import io.hivepool.redis.internal.resp.RespWriter
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.nanoseconds

/**
 * The connection: callers write, one reader reads, one watchdog keeps time, around a FIFO of pending replies.
 *
 * ```
 * send(): encode into [out] + append to [pending] (one lock) --> the sender that finds nobody flushing
 *         flushes [out] itself: straight into the socket, no hand-off; what could not be written (socket
 *         full) is finished by a writer coroutine that waits on the selector
 * reader: an [IoLoop] thread, woken by a reply: socket --RespParser--> head of [pending] --> resumes its caller
 *         (TLS: a reader coroutine on Ktor's byte channel, same parser)
 * watchdog: head unanswered past commandTimeout (+ its block time) => fail all
 * ```
 * Bytes and FIFO entries are appended under the same lock, so replies can only ever match their commands in
 * order, and a command is "written" the moment send() appends it: cancelling its caller afterwards leaves the
 * reply to be read and dropped. One flusher at a time (guarded by [flushing]) writes whole buffers, so commands
 * from many callers never interleave their bytes, however the socket splits the writes. Any failure goes
 * through [fail] once: the socket is closed and every pending command is failed with the same cause.
 */
internal class RealRedisConnection(
    override val config: RedisConnectionConfig,
    socket: io.ktor.network.sockets.Socket,
    private val scope: CoroutineScope,
    direct: Boolean = Transport.Direct.supports(socket),
) : RedisConnection {
    private val transport: Transport = if (direct) Transport.Direct(socket, SharedSelector.manager) else Transport.Channels(socket)
    private val endpoint = config.endpoint
    private val parser = RespParser(config.maxBulkLength, config.maxNestingDepth) // owned by the one reader

    /** The loop that reads a direct connection (null for TLS, and until [start]). */
    @Volatile
    private var loop: IoLoop? = null

    private val lock = Any()
    private val pending = ArrayDeque<Pending>() // guarded by lock
    private val tracker = StateTracker(config.db) // guarded by lock
    private var out = RespWriter(INITIAL_OUT) // guarded by lock: encoded commands not yet taken by a flusher
    private var flushing = false // guarded by lock: a flusher owns [spare] and the socket's write side
    private var spare = RespWriter(INITIAL_OUT) // owned by the flusher

    @Volatile
    private var failure: RedisException? = null // set once, under lock

    /** System.nanoTime() of the last reply; a command queued behind a slow one is timed from here. */
    @Volatile
    private var lastReplyAt = System.nanoTime()

    /** Writes to the socket so far (one per buffer flushed); tests use it to see auto-pipelining. */
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

    override val isOpen: Boolean get() = failure == null
    override val isBroken: Boolean get() = failure != null
    override val isDirty: Boolean get() = resetRequired || synchronized(lock) { tracker.isDirty }

    /** A RESET was cut short (its borrower was cancelled): the state is unknown until the next one completes. */
    @Volatile
    private var resetRequired = false

    fun requireReset() {
        resetRequired = true
    }
    override val state: RedisConnectionState get() = synchronized(lock) { tracker.snapshot() }

    /** Blocking commands written and not yet answered; what [state] says, without building a snapshot. */
    internal val blockingInFlight: Int get() = synchronized(lock) { tracker.blockingInFlight }

    fun start() {
        when (val t = transport) {
            is Transport.Direct -> IoLoop.next().also { loop = it }.register(DirectReader(t))
            // Unconfined: the reader parses on the thread Ktor woke it on, and resumes callers from there.
            is Transport.Channels -> scope.launch(Dispatchers.Unconfined, start = CoroutineStart.UNDISPATCHED) { readLoop(t) }
        }
        if (config.commandTimeout.isFinite()) scope.launch { watchLoop() }
    }

    override suspend fun <R> send(command: Command<R>): R {
        val p = Pending(command.args, command.blockFor)
        if (append(p, null)) flush()
        val reply = p.await()
        if (reply is RespValue.Error) throw RedisServerException(reply.code, reply.message)
        return command.decode(reply)
    }

    /**
     * Sends [command] without suspending (the Java face's path): written, or flushed by whoever is flushing, before
     * this returns; the raw reply (an error reply included) goes to [listener] in the reader's thread. Throws,
     * sending nothing, when the connection is closed or the arguments cannot be encoded.
     */
    fun sendNow(command: Command<*>, listener: OneShotListener<RespValue>) {
        val p = Pending(command.args, command.blockFor)
        p.listen(listener)
        if (append(p, null)) flush()
    }

    /**
     * Writes [batch] in one flush and returns the replies in order, error replies included (not thrown).
     * Cancellable as [send]: the commands are written before the first suspension; a cancelled caller's replies
     * are read and dropped.
     */
    suspend fun exchange(batch: List<Pending>): List<RespValue> {
        if (batch.isEmpty()) return emptyList()
        if (append(null, batch)) flush()
        val replies = ArrayList<RespValue>(batch.size)
        for (p in batch) replies += p.await()
        return replies
    }

    /**
     * Encodes [one] or every command of [many] into [out] and queues them for their replies, in one critical
     * section so no other caller's command lands between them. Returns true when the caller must flush (nobody
     * else is). A command whose arguments cannot be encoded throws here and leaves nothing behind.
     */
    private fun append(one: Pending?, many: List<Pending>?): Boolean = synchronized(lock) {
        failure?.let { throw closedError(it) }
        val mark = out.size
        try {
            if (one != null) out.writeCommand(one.args) else for (p in many!!) out.writeCommand(p.args)
        } catch (e: Throwable) {
            out.truncate(mark)
            throw e
        }
        val now = System.nanoTime()
        if (one != null) track(one, now) else for (p in many!!) track(p, now)
        if (flushing) return false
        flushing = true
        true
    }

    private fun track(p: Pending, now: Long) { // under lock
        p.writtenAt = now
        if (tracker.onWrite(p.effect, p.args, protocol)) pending.addLast(p) else p.complete(RespValue.Null)
    }

    /**
     * Writes [out] to the socket from the caller's thread until nothing is left (more may be appended meanwhile:
     * they leave in the next round). When the socket is full, a writer coroutine finishes the job on the selector,
     * so the caller never waits for other callers' bytes and its cancellation can never cut a write short.
     */
    private fun flush() {
        var rounds = 0
        while (true) {
            val w = takeOutput() ?: return
            val written = try {
                transport.writeNow(w.buf, 0, w.size)
            } catch (e: Exception) {
                failWrite(e)
                return
            }
            if (written < w.size) {
                writeInBackground(w, written)
                return
            }
            flushCount.incrementAndGet()
            w.clear()
            if (++rounds == MAX_FLUSH_ROUNDS) {
                writeInBackground(null, 0)
                return
            }
        }
    }

    /** Swaps the filled [out] for the empty [spare] and returns it; or ends the flusher's turn when empty. */
    private fun takeOutput(): RespWriter? = synchronized(lock) {
        if (out.size == 0 || failure != null) {
            flushing = false
            return null
        }
        val w = out
        out = spare
        spare = w
        w
    }

    /** Writes the rest of [first] from [from] (or, when null, whatever is queued), then keeps flushing. */
    private fun writeInBackground(first: RespWriter?, from: Int) {
        scope.launch(Dispatchers.Unconfined, start = CoroutineStart.UNDISPATCHED) {
            try {
                var w: RespWriter? = first ?: takeOutput()
                var off = from
                while (w != null) {
                    transport.write(w.buf, off, w.size - off)
                    flushCount.incrementAndGet()
                    w.clear()
                    w = takeOutput()
                    off = 0
                }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                failWrite(e)
            }
        }
    }

    private fun failWrite(e: Exception) {
        fail(e as? RedisException ?: RedisConnectionException("writing to $endpoint failed: ${e.message ?: e::class.simpleName}", e))
    }

    override suspend fun reset() {
        check(synchronized(lock) { tracker.blockingInFlight } == 0) {
            "cannot reset $endpoint while a blocking command is in flight; close the connection instead"
        }
        Handshake(this, config).run(afterReset = true)
        resetRequired = false
    }

    override fun close() {
        fail(RedisConnectionException("connection to $endpoint was closed by the client"))
    }

    /** Suspends until the socket is really closed: Ktor finishes closing it asynchronously after [close]. */
    internal suspend fun awaitClosed() {
        transport.awaitClosed()
    }

    override fun toString(): String = "RedisConnection($endpoint, protocol=$protocol, open=$isOpen)"

    /** The reply side of a direct connection: its [IoLoop] calls it when replies have arrived. */
    private inner class DirectReader(private val direct: Transport.Direct) : LoopReader {
        override val channel get() = direct.channel

        override fun onReadable() {
            while (true) {
                parser.prepareForRead()
                val space = parser.buffer.size - parser.end
                val n = direct.readNow(parser.buffer, parser.end, space)
                if (n == 0) return
                if (n < 0) endOfStream()
                parser.advance(n)
                while (true) onValue(parser.parse() ?: break)
                // All there was: the loop calls again when more arrives, with no read that finds nothing.
                if (n < space) return
            }
        }

        override fun onLoopFailure(cause: Throwable) = failRead(cause)
    }

    private suspend fun readLoop(channels: Transport.Channels) {
        try {
            while (true) {
                while (true) onValue(parser.parse() ?: break)
                parser.prepareForRead()
                val n = channels.read(parser.buffer, parser.end, parser.buffer.size - parser.end)
                if (n < 0) endOfStream()
                parser.advance(n)
            }
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            failRead(e)
        }
    }

    private fun endOfStream(): Nothing {
        if (parser.isBetweenValues) throw RedisConnectionException("connection closed by the server ($endpoint)")
        throw RespReader.truncated()
    }

    private fun failRead(e: Throwable) {
        fail(e as? RedisException ?: RedisConnectionException("reading from $endpoint failed: ${e.message ?: e::class.simpleName}", e))
    }

    private fun onValue(value: RespValue) {
        val push = asPush(value)
        if (push != null) {
            deliver(push)
            return
        }
        val p = synchronized(lock) {
            pending.removeFirstOrNull()?.also { tracker.onReply(it.effect, it.args, value) }
        } ?: throw RedisProtocolException("invalid RESP from server: a reply arrived with no command waiting for it: ${value.toString().take(100)}")
        lastReplyAt = System.nanoTime()
        p.complete(value)
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
        } catch (e: Exception) {
            // A faulty handler must not take the connection down with it.
        }
    }

    /**
     * Keeps time without being told about each command: it looks at the head of the FIFO, sleeps until that
     * head's deadline, and looks again; with nothing pending it looks every quarter of commandTimeout. So a lost
     * reply is noticed within 1.25 × commandTimeout, and sending a command arms no timer.
     */
    private suspend fun watchLoop() {
        val idleTick = maxOf(config.commandTimeout / 4, 1.milliseconds)
        while (true) {
            val head = synchronized(lock) { pending.firstOrNull() }
            if (head == null) {
                delay(idleTick)
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

    /** Breaks the connection once: closes the socket, fails every pending command with [cause]. */
    internal fun fail(cause: RedisException) {
        val failed: List<Pending>
        synchronized(lock) {
            if (failure != null) return
            failure = cause
            failed = pending.toList()
            pending.clear()
            out.clear()
        }
        failed.forEach { it.fail(cause) }
        try {
            transport.close()
        } catch (_: Exception) {
        }
        loop?.release((transport as Transport.Direct).channel) // a loop reads direct connections only
        scope.cancel()
    }

    private fun closedError(cause: RedisException?): RedisConnectionException =
        RedisConnectionException("connection to $endpoint is closed${cause?.let { ": ${it.message}" } ?: ""}", cause)

    private companion object {
        const val INITIAL_OUT = 4 * 1024
        const val MAX_FLUSH_ROUNDS = 16 // then a writer coroutine takes over, so one caller is not held flushing for others
        val RESP2_PUBSUB_KINDS = setOf(
            "message", "pmessage", "smessage", "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe",
        )
    }
}
