package io.hivepool.redis.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisBatch
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RedisTransaction
import io.hivepool.redis.RedisTransactionAbortedException
import io.hivepool.redis.RespValue
import kotlin.time.Duration

/** A transaction on one leased connection: direct commands, WATCH, and MULTI … EXEC in one flush. */
internal class RealTransaction(internal val conn: RealRedisConnection) : RedisTransaction {
    override val connection: RedisConnection get() = conn

    @Volatile
    override var aborted: Boolean = false
        private set

    override suspend fun <R> send(command: Command<R>): R = conn.send(command)

    override suspend fun watch(vararg keys: String) {
        require(keys.isNotEmpty()) { "WATCH needs at least one key" }
        conn.send(Command(listOf("WATCH", *keys), decode = Replies::unit))
    }

    override suspend fun unwatch() {
        conn.send(Command(listOf("UNWATCH"), decode = Replies::unit))
    }

    override suspend fun multi(block: RedisBatch.() -> Unit): List<Any?>? {
        val batch = RealBatch()
        batch.block()
        val list = batch.seal(followUpsTo = null)
        val pending = ArrayList<Pending>(list.size + 2)
        pending += Pending(MULTI, Duration.ZERO)
        list.mapTo(pending) { Pending(it.command.args, it.command.blockFor) }
        pending += Pending(EXEC, Duration.ZERO)
        val replies = try {
            conn.exchange(pending)
        } catch (e: Throwable) {
            batch.failAll(list, e)
            throw e
        }
        val multiReply = replies.first()
        if (multiReply is RespValue.Error) {
            val e = RedisServerException(multiReply.code, "MULTI failed: ${multiReply.message}")
            batch.failAll(list, e)
            batch.awaitQueued()
            throw e
        }
        val exec = replies.last()
        when {
            exec is RespValue.Error -> {
                // EXECABORT: a command was rejected while queueing (wrong arity, unknown command, ...).
                val queued = replies.subList(1, replies.size - 1)
                val firstRejected = queued.indexOfFirst { it is RespValue.Error }
                val detail = if (firstRejected >= 0) {
                    " (${list[firstRejected].command.name} was rejected: ${(queued[firstRejected] as RespValue.Error).message})"
                } else {
                    ""
                }
                val e = RedisServerException(exec.code, exec.message + detail)
                list.forEachIndexed { i, r -> (queued[i] as? RespValue.Error)?.let { r.deliver(it) } ?: r.failWith(e) }
                batch.awaitQueued()
                throw e
            }
            exec == RespValue.Null -> {
                aborted = true
                val e = RedisTransactionAbortedException("transaction aborted: a WATCHed key changed before EXEC")
                batch.failAll(list, e)
                batch.awaitQueued()
                return null
            }
            else -> {
                aborted = false
                val results = Replies.elements(exec)
                if (results.size != list.size) Replies.unexpected(exec, "${list.size} EXEC results")
                val out = list.mapIndexed { i, r -> r.deliver(results[i]) }
                batch.awaitQueued()
                return out
            }
        }
    }

    private companion object {
        val MULTI: List<Any> = listOf("MULTI")
        val EXEC: List<Any> = listOf("EXEC")
    }
}
