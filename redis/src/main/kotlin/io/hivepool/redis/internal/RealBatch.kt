package io.hivepool.redis.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisCommands
import io.hivepool.redis.RedisPipeline
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RespValue
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.completeWith
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.Continuation
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.startCoroutine

/** A command recorded by a batch; its queue { } block awaits the decoded reply (a [OneShot], no Deferred). */
internal class Recorded<R>(val command: Command<R>) : OneShot<Any?>() {
    /** Decodes [raw] once, hands it to the waiting block, and returns the value (or the exception) for the list. */
    fun deliver(raw: RespValue): Any? {
        if (raw is RespValue.Error) return failWith(RedisServerException(raw.code, raw.message))
        return try {
            command.decode(raw).also { complete(it) }
        } catch (e: Exception) {
            failWith(e)
        }
    }

    fun failWith(e: Throwable): Throwable {
        fail(e)
        return e
    }
}

/**
 * Records the commands of a pipeline or of a `multi { }` body.
 *
 * [queue] starts its block at once in the caller's thread (a bare coroutine: no Job, no dispatcher), so the
 * block runs up to its first [send], which records the command in order and suspends on its [Recorded]. After the
 * flush each one is completed and its block resumes inline, in the flushing thread. A block's later commands go
 * straight to the flushed connection ([followUps] set) or, inside MULTI, fail: they would land after EXEC.
 * [outstanding] counts the blocks still running (plus one for the batch itself, let go by [awaitQueued]).
 */
internal class RealBatch : RedisPipeline {
    private val lock = Any()
    private val recorded = ArrayList<Recorded<*>>() // guarded by lock
    private var sealed = false // guarded by lock
    private var followUps: RedisCommands? = null // guarded by lock
    private val outstanding = AtomicInteger(1)
    private val finished = OneShot<Unit>()

    override fun <R> queue(block: suspend RedisCommands.() -> R): Deferred<R> {
        val deferred = CompletableDeferred<R>()
        outstanding.incrementAndGet()
        block.startCoroutine(this, object : Continuation<R> {
            override val context: CoroutineContext get() = EmptyCoroutineContext
            override fun resumeWith(result: Result<R>) {
                deferred.completeWith(result)
                blockDone()
            }
        })
        return deferred
    }

    private fun blockDone() {
        if (outstanding.decrementAndGet() == 0) finished.complete(Unit)
    }

    override suspend fun <R> send(command: Command<R>): R {
        var target: RedisCommands? = null
        val r = synchronized(lock) {
            if (sealed) {
                target = followUps
                null
            } else {
                Recorded(command).also { recorded += it }
            }
        }
        @Suppress("UNCHECKED_CAST")
        if (r != null) return r.await() as R
        val t = target ?: throw IllegalStateException(
            "${command.name} was sent after EXEC: a queue { } block inside multi { } may send one command only",
        )
        return t.send(command)
    }

    /** Stops recording; later commands of queue blocks go to [followUpsTo] (null = refused). */
    fun seal(followUpsTo: RedisCommands?): List<Recorded<*>> = synchronized(lock) {
        sealed = true
        followUps = followUpsTo
        recorded.toList()
    }

    /** True when nothing was recorded so far. */
    val isEmpty: Boolean get() = synchronized(lock) { recorded.isEmpty() }

    /** The commands recorded so far. */
    fun commands(): List<Command<*>> = synchronized(lock) { recorded.map { it.command } }

    /** Fails every recorded command with [e] (the flush did not happen or its connection broke). */
    fun failAll(list: List<Recorded<*>>, e: Throwable) {
        list.forEach { it.failWith(e) }
    }

    /**
     * Waits until every queue block has finished (follow-up commands included), so a lease under the batch is
     * not released while they run. Call once. Cancellable: stops waiting (a follow-up command already written
     * finishes on its connection, whose fate the lease decides).
     */
    suspend fun awaitQueued() {
        blockDone()
        finished.await()
    }

    /** Records, writes in one flush and completes a pipeline on [conn]; returns the replies in order. */
    suspend fun flush(conn: RealRedisConnection): List<Any?> {
        val list = seal(conn)
        val replies = try {
            conn.exchange(list.map { Pending(it.command.args, it.command.blockFor) })
        } catch (e: Throwable) {
            failAll(list, e)
            throw e
        }
        val results = ArrayList<Any?>(list.size)
        for (i in list.indices) results += list[i].deliver(replies[i])
        awaitQueued()
        return results
    }
}
