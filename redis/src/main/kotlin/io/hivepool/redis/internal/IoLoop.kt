package io.hivepool.redis.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import java.nio.channels.SelectableChannel
import java.nio.channels.SelectionKey
import java.nio.channels.Selector
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger
import java.util.function.Consumer

private val log = KotlinLogging.logger("io.hivepool.redis.io")

/**
 * Something an [IoLoop] reads for: a connection's reply side. [onReadable] runs on the loop's thread, one call at
 * a time per reader, and must not block; it reads what has arrived and handles it.
 */
internal interface LoopReader {
    val channel: SelectableChannel

    /** Reads and handles what has arrived. A throw is this reader's failure, never the loop's: see [onLoopFailure]. */
    fun onReadable()

    /** [onReadable] threw, or the channel could not be registered: fail this reader (the loop goes on). */
    fun onLoopFailure(cause: Throwable)
}

/**
 * A thread with its own NIO selector on which direct (TCP, Unix) connections stay registered for reading from
 * connect to close. The read interest is never disarmed: a reply wakes `select()` and is read, parsed and handed
 * to its caller on this thread, and sending a command publishes nothing to the loop (no wake-up, no interest
 * change, no dispatch of the loop itself). Writes do not come here: callers write straight into the socket, and a
 * full socket is waited out on Ktor's selector.
 *
 * Only what is registered or closed wakes the selector. A closed channel's key is cancelled by the close; the
 * wake-up lets the selector drop it at once, which is when the JDK really releases the socket.
 *
 * Results are handed over after the round ([afterReads]): a coroutine resumed or a Java caller woken from this thread
 * waits until every socket that was ready has been read, so the commands those replies let callers send (a lease
 * handed to the next waiter writes on this thread) reach the server before any woken thread competes for the CPU.
 */
internal class IoLoop private constructor(index: Int) : Runnable {
    private val selector: Selector = Selector.open()
    private val registrations = ConcurrentLinkedQueue<LoopReader>()
    // Not inheriting thread locals: the first connection's caller (a request with its logging context, say) must not
    // leave them on a thread that serves every connection for the life of the process.
    private val thread = LoopThread(this, "hivepool-redis-io-$index").apply { isDaemon = true }

    /** Starts reading for [reader]: the loop registers its channel at its next wake-up, which this causes. */
    fun register(reader: LoopReader) {
        registrations.add(reader)
        selector.wakeup()
    }

    /** [channel] was closed (its reader failed, or the connection was closed): drop it now, not at the next event. */
    fun release(channel: SelectableChannel) {
        channel.keyFor(selector)?.cancel()
        selector.wakeup()
    }

    // The ready keys go straight to this action: no selected-key set to fill, iterate and clear per wake-up.
    private val onReady = Consumer<SelectionKey> { key -> if (key.isValid) readFor(key.attachment() as LoopReader) }

    override fun run() {
        while (true) {
            try {
                selector.select(onReady)
                registerQueued()
            } catch (e: Throwable) {
                // The loop serves every connection: it logs and goes on, whatever one of them did.
                log.error(e) { "the Redis I/O loop hit an unexpected error and goes on" }
            }
            thread.runHandOvers() // also what a failed registration handed over: nothing may wait for the next event
        }
    }

    private fun readFor(reader: LoopReader) {
        try {
            reader.onReadable()
        } catch (e: Throwable) {
            reader.onLoopFailure(e)
        }
    }

    private fun registerQueued() {
        while (true) {
            val reader = registrations.poll() ?: return
            try {
                reader.channel.register(selector, SelectionKey.OP_READ, reader)
            } catch (e: Exception) {
                reader.onLoopFailure(e) // e.g. closed before the loop got to it: it has failed already, or does now
            }
        }
    }

    /** An I/O loop's thread, with the hand-overs of its current round ([afterReads]); only this thread touches them. */
    class LoopThread(loop: IoLoop, name: String) : Thread(null, loop, name, 0, false) {
        private val handOvers = ArrayDeque<Runnable>()

        fun handOver(action: Runnable) = handOvers.addLast(action)

        fun runHandOvers() {
            while (true) {
                val action = handOvers.removeFirstOrNull() ?: return
                try {
                    action.run()
                } catch (e: Throwable) {
                    log.error(e) { "a hand-over on the Redis I/O loop failed; the loop goes on" }
                }
            }
        }
    }

    companion object {
        /**
         * Loops in the process: one per two cores, at most four. One loop reads well over a hundred thousand
         * replies a second; more only spread the parsing and the resumptions on larger machines.
         */
        val COUNT = (Runtime.getRuntime().availableProcessors() / 2).coerceIn(1, 4)

        private val loops: Array<IoLoop> by lazy { Array(COUNT) { IoLoop(it).also { loop -> loop.thread.start() } } }
        private val next = AtomicInteger()

        /** The loop for a new connection: round-robin. */
        fun next(): IoLoop {
            val all = loops
            return all[Math.floorMod(next.getAndIncrement(), all.size)]
        }
    }
}

/**
 * Runs [action] (resuming a coroutine, completing a future) once this I/O loop thread's round is over: after every
 * socket that was ready has been read and its replies handled, in the order handed over. On any other thread it runs
 * at once.
 */
internal fun afterReads(action: Runnable) {
    val thread = Thread.currentThread()
    if (thread is IoLoop.LoopThread) thread.handOver(action) else action.run()
}
