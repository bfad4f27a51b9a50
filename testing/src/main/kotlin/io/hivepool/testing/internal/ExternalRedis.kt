package io.hivepool.testing.internal

import java.net.URI
import java.net.URLDecoder
import java.nio.file.Path

/** A server someone else runs, named by REDIS_URL: used as it is, never stopped or signalled. */
internal class ExternalRedis(private val url: String) : ServerBackend {
    private val parsed: URI = URI(url)
    override val host: String
    override val port: Int
    override val credentials: Pair<String?, String>?

    init {
        require(parsed.scheme == "redis") {
            "REDIS_URL must look like redis://[user:password@]host[:port], was '$url'"
        }
        host = requireNotNull(parsed.host) { "REDIS_URL has no host: '$url'" }
        port = if (parsed.port == -1) 6379 else parsed.port
        credentials = parsed.rawUserInfo?.let { info ->
            val user = decode(info.substringBefore(':', "")).ifEmpty { null }
            val password = if (info.contains(':')) decode(info.substringAfter(':')) else decode(info)
            user.takeIf { info.contains(':') } to password
        }
    }

    override val givenUri: String = url
    override val tlsPort: Int? = null
    override val unixSocket: Path? = null
    override val source: String = "REDIS_URL"
    override val isExternal: Boolean = true

    private fun decode(s: String) = URLDecoder.decode(s, Charsets.UTF_8)

    private fun unsupported(action: String): Nothing = throw UnsupportedOperationException(
        "$action() needs a redis-server the fixture started itself, but REDIS_URL points to an external server " +
            "($host:$port); unset REDIS_URL to run fault-injection tests",
    )

    override fun stop() = unsupported("stop")
    override fun restart() = unsupported("restart")
    override fun pause() = unsupported("pause")
    override fun resume() = unsupported("resume")
    override fun close() {
        // not ours to stop
    }
}
