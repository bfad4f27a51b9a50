package io.hivepool.pool.internal

import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.ComparableTimeMark
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * The pool's single background job: each pass evicts idle connections past idleTimeout (only above minIdle)
 * or past their ttl, trims to maxIdle, reports leaked leases, tops up minIdle, and returns when it must run
 * next (at most cleanupInterval later). Between passes it sleeps on the pool's clock (virtual under runTest),
 * and is woken early when a connection goes idle or a lease starts while it had no deadline to watch.
 */
internal class Reaper<T>(private val pool: RealPool<T>) {
    private val wakeup = Channel<Unit>(Channel.CONFLATED)
    private val watchIdle = pool.idleTimeout.isFinite() || pool.config.ttl != null

    // guarded by pool.lock: whether the current sleep already accounts for idle / lease deadlines
    private var idleArmed = false
    private var leasesArmed = false

    fun start() {
        pool.scope.launch {
            while (true) {
                val next = runPass()?.let { pass -> pass.next } ?: return@launch
                withTimeoutOrNull(next) { wakeup.receive() }
            }
        }
    }

    /** Under the pool's lock, on idle push: true when the reaper must be woken to see a new deadline. */
    fun armIdleLocked(): Boolean {
        if (!watchIdle || idleArmed) return false
        idleArmed = true
        return true
    }

    /** Under the pool's lock, on a tracked lease: true when the reaper must be woken. */
    fun armLeasesLocked(): Boolean {
        if (leasesArmed) return false
        leasesArmed = true
        return true
    }

    fun wake() {
        wakeup.trySend(Unit)
    }

    class Pass(val next: Duration, val destroying: Job?) {
        suspend fun join() {
            destroying?.join()
        }
    }

    /** One pass now; null once the pool is closed. */
    fun runPass(): Pass? {
        val now = pool.timeSource.markNow()
        val evicted = ArrayList<PooledConnection<T>>()
        val leaked = ArrayList<RealLease<T>>()
        var next: ComparableTimeMark = now + pool.config.cleanupInterval
        val creates: Int
        synchronized(pool.lock) {
            if (pool.closed) return null
            val idle = pool.idle
            if (pool.config.ttl != null) {
                val it = idle.iterator()
                while (it.hasNext()) {
                    val pc = it.next()
                    val expiry = pc.expiresAt ?: continue
                    if (expiry <= now) {
                        it.remove()
                        evicted += pc
                        pool.retireLocked(DestroyReason.TTL)
                    } else if (expiry < next) {
                        next = expiry
                    }
                }
            }
            while (idle.size > pool.maxIdle) evict(idle.removeFirst(), evicted)
            if (pool.idleTimeout.isFinite()) {
                // The front is the connection idle the longest (returns are appended at the back).
                while (idle.size > pool.minIdle) {
                    val deadline = idle.first().idleDeadline(pool.idleTimeout) ?: break
                    if (deadline > now) {
                        if (deadline < next) next = deadline
                        break
                    }
                    evict(idle.removeFirst(), evicted)
                }
            }
            idleArmed = idle.size > pool.minIdle || (pool.config.ttl != null && idle.isNotEmpty())
            leasesArmed = false
            pool.leases?.forEach { lease ->
                if (lease.leakReported) return@forEach
                val deadline = lease.acquiredAt!! + pool.leakThreshold
                if (deadline <= now) {
                    lease.leakReported = true
                    pool.stats0.leaksDetected++
                    leaked += lease
                } else {
                    leasesArmed = true
                    if (deadline < next) next = deadline
                }
            }
            creates = pool.planCreatesLocked()
        }
        for (lease in leaked) {
            logger.warn(lease.acquireSite) {
                "pool ${pool.name}: connection ${lease.pooled.id} leased by ${lease.owner ?: "an unnamed coroutine"} " +
                    "for longer than ${pool.leakThreshold}; probable leak (release or discard every lease)"
            }
        }
        pool.launchCreates(creates)
        val destroying = pool.destroyLater(evicted)
        return Pass((next - now).coerceAtLeast(1.milliseconds), destroying)
    }

    private fun evict(pc: PooledConnection<T>, into: MutableList<PooledConnection<T>>) {
        into += pc
        pool.retireLocked(DestroyReason.IDLE)
    }
}
