package io.hivepool.pool.internal

import io.hivepool.pool.ConnectionInfo
import io.hivepool.pool.Lease
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater
import kotlin.time.ComparableTimeMark

/**
 * A lease of [pooled]. [ended] flips 0 -> 1 once (CAS), so exactly one release()/discard() reaches the
 * pool no matter how many threads call them: nothing is ever pooled twice.
 */
internal class RealLease<T>(
    private val pool: RealPool<T>,
    val pooled: PooledConnection<T>,
    /** Only when leak detection is on: when it was acquired, by whom, and where. */
    val acquiredAt: ComparableTimeMark?,
    val owner: String?,
    val acquireSite: Throwable?,
) : Lease<T> {
    @Volatile
    private var ended: Int = 0

    /** Guarded by the pool's lock: the leak warning is logged once. */
    var leakReported: Boolean = false

    override val connection: T get() = pooled.conn
    override val info: ConnectionInfo get() = pooled

    override fun release() {
        if (ENDED.compareAndSet(this, 0, 1)) pool.checkIn(pooled, discard = false, lease = this)
    }

    override fun discard() {
        if (ENDED.compareAndSet(this, 0, 1)) pool.checkIn(pooled, discard = true, lease = this)
    }

    override fun close(): Unit = release()

    override fun toString(): String = "Lease(pool=${pool.name}, connection=${pooled.id}, ended=${ended == 1})"

    private companion object {
        private val ENDED: AtomicIntegerFieldUpdater<RealLease<*>> =
            AtomicIntegerFieldUpdater.newUpdater(RealLease::class.java, "ended")
    }
}
