package io.hivepool.redis.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RespValue
import kotlinx.coroutines.Dispatchers
import java.util.concurrent.CompletableFuture
import kotlin.coroutines.EmptyCoroutineContext

/**
 * The Java face's future for one command, completed straight from its [Pending]: no coroutine, no Job, no extra
 * completion object. The reader hears the reply ([onValue], on the connection's [IoLoop] thread) and, for a
 * pool-level command ([onDefault]), hands this future, a [Runnable], to [Dispatchers.Default], where the reply is
 * decoded and the future completed, so the caller's next stage never runs on the reader's thread. On a leased connection
 * (`onDefault = false`) it decodes and completes right there, in the reply's thread, as the lease's Unconfined
 * coroutines do. Cancelling the future leaves the reply to be read and dropped, as for a cancelled coroutine.
 */
internal class ReplyFuture<R>(
    private val command: Command<R>,
    private val onDefault: Boolean = true,
) : CompletableFuture<R>(), OneShotListener<RespValue>, Runnable {
    private var outcome: Any? = null // the reply or the failure, written before the dispatch that reads it

    override fun onValue(value: RespValue) = finish(value)

    override fun onFailure(cause: Throwable) = finish(cause)

    private fun finish(o: Any) {
        outcome = o
        if (onDefault) Dispatchers.Default.dispatch(EmptyCoroutineContext, this) else run()
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
