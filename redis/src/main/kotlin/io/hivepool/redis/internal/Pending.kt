package io.hivepool.redis.internal

import io.hivepool.redis.RespValue
import kotlin.time.Duration

/**
 * One command on its way: appended to the connection's output by its sender, answered by the reader in FIFO
 * order. It is its own completion ([OneShot]): the reply (error replies included, not thrown), or the
 * connection's failure. A caller cancelled while it awaits leaves the reply to be read and dropped.
 */
internal class Pending(val args: List<Any>, val blockFor: Duration) : OneShot<RespValue>() {
    val effect: Effect? = effectOf(args)

    /** System.nanoTime() when it was appended to the output; the watchdog times the reply from here. */
    @Volatile
    var writtenAt: Long = 0L

    val name: String get() = argText(args[0]).uppercase()
}
