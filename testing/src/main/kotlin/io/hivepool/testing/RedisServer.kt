package io.hivepool.testing

import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.ServerBackend
import io.hivepool.testing.internal.ServerResolver
import java.net.URLEncoder
import java.nio.file.Path

/**
 * A real Redis server for tests, with controls to inject faults. Start one with [start]; close it
 * when done (it is also closed by a JVM shutdown hook as a backstop).
 *
 * Where the server comes from, in order: the `REDIS_URL` environment variable (an external server,
 * used as it is and never stopped); `$REDIS_SERVER` or `redis-server` on `PATH`; the binary shipped
 * in `com.github.codemonstur:embedded-redis`; a Testcontainers `redis` container when Docker answers.
 * [source] says which. The environment variable `HIVEPOOL_IGNORE_REDIS_ON_PATH=true` (or the system
 * property `hivepool.ignoreRedisOnPath=true`) passes over a `redis-server` on `PATH`, to run tests as
 * on a machine with nothing but a JDK. Every server the fixture starts itself listens on a free loopback port, has
 * its own temp dir and no persistence.
 *
 * All methods block. Fault controls ([stop], [restart], [pause], [resume]) throw
 * [UnsupportedOperationException] on an external (`REDIS_URL`) server.
 */
public class RedisServer internal constructor(
    private val backend: ServerBackend,
    /** Certificates to trust for [tlsPort], when started with [RedisServerOptions.tls]. */
    public val tls: TlsMaterial?,
) : AutoCloseable {

    /** Host to connect to, `127.0.0.1` for servers the fixture starts. */
    public val host: String get() = backend.host

    /** The plain (non-TLS) port; stays the same across [restart]. */
    public val port: Int get() = backend.port

    /**
     * `redis://127.0.0.1:<port>`, with `default:<password>@` when a password is set; for an
     * external server, `REDIS_URL` as it was given.
     */
    public val uri: String get() = backend.givenUri ?: "redis://${userInfo()}$host:$port"

    /** The TLS port, when started with [RedisServerOptions.tls]. */
    public val tlsPort: Int? get() = backend.tlsPort

    /** `rediss://127.0.0.1:<tlsPort>` (with credentials like [uri]), when started with TLS. */
    public val tlsUri: String? get() = tlsPort?.let { "rediss://${userInfo()}$host:$it" }

    /** The Unix domain socket, when started with [RedisServerOptions.unixSocket]. */
    public val unixSocket: Path? get() = backend.unixSocket

    /** Where the server came from: `"REDIS_URL"`, `"redis-server on PATH (/usr/bin/redis-server)"`, ... */
    public val source: String get() = backend.source

    /** True for a `REDIS_URL` server, which the fixture neither started nor may stop. */
    public val isExternal: Boolean get() = backend.isExternal

    /** The server's `redis_version`, e.g. `"7.0.15"`; `"unknown"` when INFO is not allowed (an external server's ACL). */
    public val version: String = runCatching { command("INFO", "server") }.getOrDefault("").lineSequence()
        .firstOrNull { it.startsWith("redis_version:") }
        ?.substringAfter(':')?.trim()
        ?: "unknown"

    private fun userInfo(): String {
        val (user, password) = backend.credentials ?: return ""
        fun enc(s: String) = URLEncoder.encode(s, Charsets.UTF_8).replace("+", "%20")
        return "${enc(user ?: "default")}:${enc(password)}@"
    }

    /**
     * Runs one command on a fresh connection (authenticated when a password is set) and returns the
     * reply as text: simple and bulk strings as they are, integers in decimal, `(nil)` for null,
     * array items one per line. Throws [IllegalStateException] when the server answers with an error.
     * A fresh connection per call means [killClients] and [restart] never break the fixture itself.
     */
    public fun command(vararg args: String): String {
        require(args.isNotEmpty()) { "command() needs at least the command name" }
        return RespClient.connect(host, port).use { client ->
            backend.credentials?.let { (user, password) ->
                if (user == null) client.callOk("AUTH", password) else client.callOk("AUTH", user, password)
            }
            client.callOk(*args).render()
        }
    }

    /** Deletes every key in every database (`FLUSHALL`). */
    public fun flushAll() {
        command("FLUSHALL")
    }

    /** Stops the server and waits until it has exited, so its port refuses connections. No-op when stopped. */
    public fun stop(): Unit = backend.stop()

    /** Stops the server if it runs and starts it again on the same port(s) with the same options; waits for PING. */
    public fun restart(): Unit = backend.restart()

    /**
     * Kills the server with SIGKILL, as a crash would: no shutdown, open connections reset. [restart] starts it
     * again on the same port (and, for a cluster node, with its node id and config from its own dir).
     */
    public fun kill(): Unit = backend.kill()

    /** Freezes the server (SIGSTOP): connections stay open but nothing is answered until [resume]. */
    public fun pause(): Unit = backend.pause()

    /** Lets a [pause]d server run again (SIGCONT); requests sent meanwhile are then answered. */
    public fun resume(): Unit = backend.resume()

    /** Closes every normal client connection (`CLIENT KILL TYPE normal`); the server keeps running. */
    public fun killClients() {
        command("CLIENT", "KILL", "TYPE", "normal")
    }

    /** Stops the server (by its pid), deletes its temp dir. An external server is left alone. Idempotent. */
    override fun close(): Unit = backend.close()

    override fun toString(): String = "RedisServer($source, $host:$port, version $version)"

    /** Entry point: [start]. */
    public companion object {
        /**
         * Starts a fresh server on a free loopback port, or attaches to `REDIS_URL` when the options
         * allow it. Blocks until the server answers PING.
         *
         * @throws RedisServerUnavailableException when no way to get a server worked; the message says
         *   what was tried and why each failed.
         */
        @JvmStatic
        @JvmOverloads
        public fun start(configure: RedisServerOptions.() -> Unit = {}): RedisServer =
            ServerResolver.default().start(RedisServerOptions().apply(configure).snapshot())
    }
}
