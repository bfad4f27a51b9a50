package io.hivepool.redis.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisCommands
import io.hivepool.redis.RedisPipeline
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RespValue
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async

/** A command recorded by a batch, and the outcome its queue { } block awaits. */
internal class Recorded<R>(val command: Command<R>) {
    val outcome = CompletableDeferred<R>()

    /** Decodes [raw] once, hands it to the waiting block, and returns the value (or the exception) for the list. */
    fun complete(raw: RespValue): Any? {
        if (raw is RespValue.Error) return fail(RedisServerException(raw.code, raw.message))
        return try {
            command.decode(raw).also { outcome.complete(it) }
        } catch (e: Throwable) {
            fail(e)
        }
    }

    fun fail(e: Throwable): Throwable {
        outcome.completeExceptionally(e)
        return e
    }
}

/**
 * Records the commands of a pipeline or of a `multi { }` body.
 *
 * [queue] starts its block UNDISPATCHED, so the block runs in the caller's thread up to its first [send], which
 * records the command in order and suspends on its outcome. After the flush each outcome is completed and the
 * block resumes (Unconfined: in the flushing thread). A block's later commands go straight to the flushed
 * connection ([followUps] set) or, inside MULTI, fail: they would land after EXEC.
 */
internal class RealBatch : RedisPipeline {
    private val job = SupervisorJob()
    private val scope = CoroutineScope(Dispatchers.Unconfined + job)
    private val lock = Any()
    private val recorded = ArrayList<Recorded<*>>() // guarded by lock
    private var sealed = false // guarded by lock
    private var followUps: RedisCommands? = null // guarded by lock

    override fun <R> queue(block: suspend RedisCommands.() -> R): Deferred<R> =
        scope.async(start = CoroutineStart.UNDISPATCHED) { block(this@RealBatch) }

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
        if (r != null) return r.outcome.await()
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
        list.forEach { it.fail(e) }
        if (e is CancellationException) job.cancel()
    }

    /**
     * Waits until every queue block has finished (follow-up commands included), so a lease under the batch is
     * not released while they run. Cancellable: cancels the blocks.
     */
    suspend fun awaitQueued() {
        job.complete()
        try {
            job.join()
        } catch (e: CancellationException) {
            job.cancel()
            throw e
        }
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
        for (i in list.indices) results += list[i].complete(replies[i])
        awaitQueued()
        return results
    }
}
