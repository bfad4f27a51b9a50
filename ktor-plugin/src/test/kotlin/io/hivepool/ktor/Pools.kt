package io.hivepool.ktor

import io.hivepool.redis.RedisPool

/** Runs [block] with this pool and closes it after. (`use` on a RedisPool means a lease, not AutoCloseable.use.) */
inline fun <R> RedisPool.closing(block: (RedisPool) -> R): R = try {
    block(this)
} finally {
    close()
}
