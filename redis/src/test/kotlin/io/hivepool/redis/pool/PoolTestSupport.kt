package io.hivepool.redis.pool

import io.hivepool.testing.RedisServer

/**
 * How many live connections named [clientName] the server sees right now (`CLIENT LIST`). A client the server has
 * already seen close is left out: Redis frees it at the end of its event-loop round (flag `A`, close ASAP), and a
 * CLIENT LIST run in that round, after the replacement connection's HELLO, would still list it.
 */
internal fun RedisServer.clientsNamed(clientName: String): Int =
    command("CLIENT", "LIST").lineSequence().count { line ->
        val fields = line.split(' ')
        fields.any { it == "name=$clientName" } && fields.none { it.startsWith("flags=") && 'A' in it.removePrefix("flags=") }
    }

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
