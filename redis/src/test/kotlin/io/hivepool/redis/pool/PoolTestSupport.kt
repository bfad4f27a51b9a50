package io.hivepool.redis.pool

import io.hivepool.testing.RedisServer

/** How many connections named [clientName] the server sees right now (`CLIENT LIST`). */
internal fun RedisServer.clientsNamed(clientName: String): Int =
    command("CLIENT", "LIST").lineSequence().count { line -> line.split(' ').any { it == "name=$clientName" } }

/** The number of times the server ran [command] (`INFO commandstats`), e.g. "ping". */
internal fun RedisServer.callsOf(command: String): Long =
    command("INFO", "commandstats").lineSequence()
        .firstOrNull { it.startsWith("cmdstat_$command:") }
        ?.substringAfter("calls=")?.substringBefore(',')?.toLong() ?: 0L

/**
 * Builds a pool, runs [block], closes the pool. (`redisPool { }.use { }` would not do: RedisPool.use is the
 * member that leases a connection, and members win over the AutoCloseable.use extension.)
 */
internal suspend fun <T> withPool(configure: io.hivepool.redis.RedisPoolConfig.Builder.() -> Unit, block: suspend (io.hivepool.redis.RedisPool) -> T): T {
    val pool = io.hivepool.redis.redisPool(configure)
    try {
        return block(pool)
    } finally {
        pool.close()
    }
}
