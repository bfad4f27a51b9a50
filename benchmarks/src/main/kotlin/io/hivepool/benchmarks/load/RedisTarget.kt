package io.hivepool.benchmarks.load

import java.net.URI
import java.net.URLDecoder

/**
 * The Redis under test: `REDIS_URL` when it is set, else a fresh local server started for this run
 * (stopped by [close]).
 */
class RedisTarget private constructor(
    /** `redis://[user:password@]host:port` */
    val uri: String,
    /** Where the server came from, for the log: `REDIS_URL` or how the local one was started. */
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
            val url = System.getenv("REDIS_URL")?.takeIf { it.isNotBlank() }
            if (url != null) return RedisTarget(url, "REDIS_URL", owned = null)
            val server = LocalRedisServer.start()
            return RedisTarget(server.uri, server.source, owned = server)
        }
    }
}
