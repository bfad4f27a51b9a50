package io.hivepool.testing

import io.kotest.core.extensions.MountableExtension
import io.kotest.core.listeners.AfterSpecListener
import io.kotest.core.spec.Spec

/**
 * Kotest extension giving a spec its own [RedisServer], closed after the spec:
 *
 * ```
 * class CacheSpec : FunSpec({
 *     val redis = install(RedisServerExtension()) { password = "secret" }
 *     test("...") { connect(redis.uri) }
 * })
 * ```
 *
 * [install][io.kotest.core.extensions.install] starts the server at once (blocking) with [configure]
 * followed by the install block's options. Registered with `extension(...)` instead, the server starts
 * on the first read of [server]. Kotest only calls `afterSpec` for a spec that ran at least one
 * test; otherwise the JVM shutdown hook stops the server.
 */
public class RedisServerExtension(
    private val configure: RedisServerOptions.() -> Unit = {},
) : MountableExtension<RedisServerOptions, RedisServer>, AfterSpecListener {
    private var started: RedisServer? = null // guarded by this

    /** The spec's server, started on first use with [configure]. */
    public val server: RedisServer
        @Synchronized get() = started ?: RedisServer.start(configure).also { started = it }

    /** Starts the server with [configure] then [mountConfigure]; called by `install`. */
    @Synchronized
    override fun mount(configure: RedisServerOptions.() -> Unit): RedisServer {
        check(started == null) { "RedisServerExtension is already installed; create one extension per server" }
        return RedisServer.start {
            this@RedisServerExtension.configure(this)
            configure()
        }.also { started = it }
    }

    /** Closes the server (stops it, deletes its temp dir). Not cancellable: it finishes once begun. */
    override suspend fun afterSpec(spec: Spec) {
        val server = synchronized(this) { started.also { started = null } }
        server?.close()
    }
}
