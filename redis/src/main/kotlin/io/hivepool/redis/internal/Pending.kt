package io.hivepool.redis.internal

import io.hivepool.redis.RespValue
import io.hivepool.redis.internal.resp.RespWriter
import kotlinx.coroutines.CompletableDeferred
import kotlin.time.Duration

/**
 * One command on its way: encoded by the caller (so a bad argument fails there, not in the writer), written
 * by the writer, answered by the reader in FIFO order.
 */
internal class Pending(val args: List<Any>, val blockFor: Duration) {
    val bytes: ByteArray = RespWriter.encodeCommand(args)
    val effect: Effect? = effectOf(args)
    val reply = CompletableDeferred<RespValue>()

    /** System.nanoTime() when written; set by the writer before the command becomes visible to the watchdog. */
    @Volatile
    var writtenAt: Long = 0L

    val name: String get() = argText(args[0]).uppercase()
}
