package io.hivepool.samples

import io.hivepool.testing.RedisServer

/**
 * The Redis a sample talks to: `REDIS_URL` when it is set, else a throwaway server started by the test
 * fixture (redis-server on PATH, or the binary shipped in embedded-redis). Close it to stop that server.
 */
class SampleRedis private constructor(val uri: String, val source: String, private val server: RedisServer?) : AutoCloseable {
    override fun close() {
        server?.close()
    }

    companion object {
        /** Uses [redisUrl] when given, otherwise starts a local server. */
        @JvmStatic
        @JvmOverloads
        fun start(redisUrl: String? = System.getenv("REDIS_URL")?.takeIf { it.isNotBlank() }): SampleRedis {
            if (redisUrl != null) return SampleRedis(redisUrl, "REDIS_URL", null)
            val server = RedisServer.start()
            return SampleRedis(server.uri, "${server.source}, Redis ${server.version}", server)
        }
    }
}
