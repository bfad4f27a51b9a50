package io.hivepool.testing.internal

import java.util.concurrent.ConcurrentHashMap

/**
 * Backstop for servers a test forgot to close (or when the JVM is killed by a test timeout): one
 * shutdown hook closes every server still registered.
 */
internal object LiveServers {
    private val live = ConcurrentHashMap.newKeySet<ServerBackend>()

    init {
        Runtime.getRuntime().addShutdownHook(
            Thread({ live.toList().forEach { runCatching { it.close() } } }, "hivepool-redis-shutdown"),
        )
    }

    fun register(backend: ServerBackend) {
        live.add(backend)
    }

    fun unregister(backend: ServerBackend) {
        live.remove(backend)
    }
}
