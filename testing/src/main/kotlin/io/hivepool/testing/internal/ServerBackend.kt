package io.hivepool.testing.internal

import java.nio.file.Path

/** One way a [io.hivepool.testing.RedisServer] is backed: a process we run, a container, or REDIS_URL. */
internal interface ServerBackend {
    val host: String
    val port: Int
    val tlsPort: Int?
    val unixSocket: Path?
    val source: String
    val isExternal: Boolean

    /** The URI to hand to clients when it is given rather than built (REDIS_URL), else null. */
    val givenUri: String? get() = null

    /** User and password for AUTH on the fixture's own connections, or null. */
    val credentials: Pair<String?, String>?

    fun stop()
    fun restart()
    fun pause()
    fun resume()

    /** Kills the server at once (SIGKILL: no shutdown, like a crash); [restart] brings it back. */
    fun kill(): Unit = throw UnsupportedOperationException("kill() needs a redis-server the fixture started itself ($source)")
    fun close()
}
