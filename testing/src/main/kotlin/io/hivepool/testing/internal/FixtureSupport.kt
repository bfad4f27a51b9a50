package io.hivepool.testing.internal

import io.hivepool.testing.RedisServer
import java.util.concurrent.Callable
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

// Helpers shared by the multi-process fixtures (RedisCluster, RedisSentinelGroup).

/** Runs [block] on a fresh connection to [node] with a short read timeout; null when the node does not answer. */
internal fun <T> quick(node: RedisServer, block: (RespClient) -> T): T? = try {
    RespClient.connect(node.host, node.port, readTimeoutMs = 500).use(block)
} catch (_: Exception) {
    null
}

/** Polls [condition] every 25 ms; throws IllegalStateException with [message] after [timeoutMillis]. */
internal fun awaitUntil(timeoutMillis: Long, message: () -> String, condition: () -> Boolean) {
    val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis)
    while (!condition()) {
        check(System.nanoTime() < deadline, message)
        Thread.sleep(25)
    }
}

/** Runs [tasks] at once, one thread each; if any fails, closes what the others returned and throws the first failure. */
internal fun <T> parallel(tasks: List<Callable<T>>): List<T> {
    if (tasks.isEmpty()) return emptyList()
    val executor = Executors.newFixedThreadPool(tasks.size) { r -> Thread(r, "hivepool-fixture").apply { isDaemon = true } }
    try {
        val results = tasks.map { executor.submit(it) }.map { runCatching { it.get() } }
        results.firstNotNullOfOrNull { it.exceptionOrNull() }?.let { e ->
            results.mapNotNull { it.getOrNull() }.forEach { (it as? AutoCloseable)?.close() }
            throw (e as? ExecutionException)?.cause ?: e
        }
        return results.map { it.getOrThrow() }
    } finally {
        executor.shutdown()
    }
}

/** Refuses a server the fixture did not start on loopback (REDIS_URL, a container): it cannot join a local topology. */
internal fun requireLocal(server: RedisServer, what: String): RedisServer {
    if (server.isExternal || server.source.startsWith("testcontainers")) {
        server.close()
        throw IllegalStateException("$what needs redis-server processes on loopback, got ${server.source}")
    }
    return server
}
