package io.hivepool.redis.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RespValue
import kotlinx.coroutines.Dispatchers
import java.util.concurrent.CompletableFuture
import kotlin.coroutines.EmptyCoroutineContext

/**
 * The Java face's future for one pool-level command, completed straight from its [Pending]: no coroutine, no
 * Job, no extra completion object. The reader hears the reply ([onValue], on the selector's thread) and hands
 * this future, a [Runnable], to [Dispatchers.Default], where the reply is decoded and the future completed, so
 * the caller's next stage never runs on the reader's thread. Cancelling the future leaves the reply to be read
 * and dropped, as for a cancelled coroutine.
 */
internal class ReplyFuture<R>(private val command: Command<R>) : CompletableFuture<R>(), OneShotListener<RespValue>, Runnable {
    private var outcome: Any? = null // the reply or the failure, written before the dispatch that reads it

    override fun onValue(value: RespValue) {
        outcome = value
        Dispatchers.Default.dispatch(EmptyCoroutineContext, this)
    }

    override fun onFailure(cause: Throwable) {
        outcome = cause
        Dispatchers.Default.dispatch(EmptyCoroutineContext, this)
    }

    override fun run() {
        when (val o = outcome) {
            is Throwable -> completeExceptionally(o)
            is RespValue.Error -> completeExceptionally(RedisServerException(o.code, o.message))
            else -> try {
                complete(command.decode(o as RespValue))
            } catch (e: Throwable) {
                completeExceptionally(e)
            }
        }
    }
}
