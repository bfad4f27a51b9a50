package io.hivepool.benchmarks.jmh

import io.hivepool.pool.ConnectionManager
import org.apache.commons.pool2.BasePooledObjectFactory
import org.apache.commons.pool2.PooledObject
import org.apache.commons.pool2.impl.DefaultPooledObject
import org.apache.commons.pool2.impl.GenericObjectPool
import org.apache.commons.pool2.impl.GenericObjectPoolConfig
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The pooled thing in the micro benchmarks: a plain object, so the figures are the pool's own cost and
 * nothing else (no socket, no I/O, no suspension in create/recycle/destroy).
 */
class NoIoResource {
    /** Touched by the benchmarks so the JIT cannot prove the lease unused. */
    @JvmField
    var uses: Long = 0

    /** Never set: makes [NoIoManager.needsRecycle] a real field read, as the Redis manager's dirty check is. */
    @JvmField
    var dirty: Boolean = false
}

/**
 * Hivepool's side: create returns a new object; recycle (default) answers true without suspending; needsRecycle
 * reads a flag, like the Redis manager's "left dirty by its last user".
 */
object NoIoManager : ConnectionManager<NoIoResource> {
    override suspend fun create(): NoIoResource = NoIoResource()
    override fun needsRecycle(conn: NoIoResource): Boolean = conn.dirty
    override suspend fun destroy(conn: NoIoResource) {}
}

/** commons-pool2's side of the same resource; validation is as cheap as Hivepool's recycle. */
class NoIoFactory : BasePooledObjectFactory<NoIoResource>() {
    override fun create(): NoIoResource = NoIoResource()
    override fun wrap(obj: NoIoResource): PooledObject<NoIoResource> = DefaultPooledObject(obj)
    override fun validateObject(p: PooledObject<NoIoResource>): Boolean = true
}

/** A commons-pool2 pool shaped like the Hivepool pool it is compared with (blocking borrow, no JMX). */
fun commonsPool(maxTotal: Int, testOnBorrow: Boolean): GenericObjectPool<NoIoResource> {
    val config = GenericObjectPoolConfig<NoIoResource>().apply {
        this.maxTotal = maxTotal
        maxIdle = maxTotal
        minIdle = 0
        blockWhenExhausted = true
        this.testOnBorrow = testOnBorrow
        jmxEnabled = false
    }
    return GenericObjectPool(NoIoFactory(), config).also { it.addObjects(maxTotal) }
}

/**
 * The `validateAfterIdle` JMH parameter: `ZERO` (the generic pool's default: recycle on every borrow), `REDIS`
 * (30 s, what a Redis pool runs with: recycle only when idle that long or left dirty) or `INFINITE` (never).
 */
fun validateAfterIdle(param: String): Duration = when (param) {
    "ZERO" -> Duration.ZERO
    "REDIS" -> 30.seconds
    "INFINITE" -> Duration.INFINITE
    else -> throw IllegalArgumentException("validateAfterIdle must be ZERO, REDIS or INFINITE, was $param")
}
