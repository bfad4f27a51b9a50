package io.hivepool.pool.internal

import io.hivepool.pool.ConnectionManager
import io.hivepool.pool.Lease
import io.hivepool.pool.Pool
import io.hivepool.pool.PoolConfig
import io.hivepool.pool.PoolStats
import kotlin.time.Duration

internal class RealPool<T>(
    private val manager: ConnectionManager<T>,
    initialConfig: PoolConfig,
) : Pool<T> {
    override val name: String = initialConfig.name
    override val config: PoolConfig = initialConfig
    override suspend fun acquire(): Lease<T> = TODO()
    override fun tryAcquire(): Lease<T>? = TODO()
    override suspend fun <R> use(block: suspend (T) -> R): R = TODO()
    override val stats: PoolStats get() = TODO()
    override suspend fun close(grace: Duration): Unit = TODO()
    override fun close(): Unit = TODO()
    override fun resize(maxSize: Int): Unit = TODO()
    override suspend fun evictIdle(): Unit = TODO()
    override fun evictAll(): Unit = TODO()
}
