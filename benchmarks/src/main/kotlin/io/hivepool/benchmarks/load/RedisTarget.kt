package io.hivepool.benchmarks.load

import io.hivepool.testing.RedisServer
import java.net.URI
import java.net.URLDecoder

/**
 * The Redis under test: `REDIS_URL` when it is set, else a fresh server started for this run by the testing
 * fixture ([RedisServer.start]: `$REDIS_SERVER` or `redis-server` on PATH, then embedded-redis), stopped by
 * [close]. An external server is left running.
 */
class RedisTarget private constructor(
    /** `redis://[user:password@]host:port` */
    val uri: String,
    /** Where the server came from, for the log (the fixture's [RedisServer.source] and version). */
    val source: String,
    private val owned: AutoCloseable?,
) : AutoCloseable {
    val javaUri: URI = URI.create(uri)
    val host: String = javaUri.host
    val port: Int = if (javaUri.port > 0) javaUri.port else 6379
    private val userInfo = javaUri.rawUserInfo?.split(':', limit = 2)?.map { URLDecoder.decode(it, Charsets.UTF_8) }

    /** The ACL user from the URI, or null for the default user. */
    val user: String? = userInfo?.takeIf { it.size == 2 }?.get(0)?.ifEmpty { null }

    /** The password from the URI, or null. */
    val password: String? = userInfo?.last()?.ifEmpty { null }

    override fun close() {
        owned?.close()
    }

    companion object {
        /** Resolves the server: `REDIS_URL`, else starts one. Blocking. */
        fun resolve(): RedisTarget {
            val server = RedisServer.start()
            return RedisTarget(server.uri, "${server.source}, Redis ${server.version}", owned = server)
        }
    }
}
