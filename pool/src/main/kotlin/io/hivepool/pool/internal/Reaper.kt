package io.hivepool.pool.internal

import io.hivepool.pool.Ttl
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
    private val cleanupInterval = pool.config.cleanupInterval

    // A new deadline can only be earlier than the next pass when its delay is shorter than cleanupInterval;
    // with the defaults (idleTimeout 10 min, no ttl, no leak detection) release never looks at the reaper.
    private val watchIdleTimeout = pool.idleTimeout < cleanupInterval
    private val watchTtl = pool.config.ttl.let { it is Ttl.Simple || it is Ttl.Fuzzy }
    private val watchLeases = pool.leakThreshold < cleanupInterval

    /**
     * Written under pool.lock: when the reaper will run next; null while a pass is running. Volatile: a
     * lock-free release reads it after parking a connection ([coversParked]).
     */
    @Volatile
    private var nextRun: ComparableTimeMark? = null

    fun start() {
        pool.scope.launch {
            while (true) {
                val next = runPass()?.next ?: return@launch
                withTimeoutOrNull(next) { wakeup.receive() }
            }
        }
    }

    /** Under the pool's lock, when [pc] goes idle at [now]: true when the reaper must wake earlier for it. */
    fun armIdleLocked(pc: PooledConnection<T>, now: ComparableTimeMark): Boolean {
        var wake = false
        if (watchIdleTimeout) wake = earlierLocked(now + pool.idleTimeout)
        if (watchTtl) pc.expiresAt?.let { wake = earlierLocked(it) || wake }
        return wake
    }

    /**
     * Without the lock, for [pc] parked at [now] by a fast release: true when the pass already scheduled comes
     * in time for its idleTimeout and ttl, so nothing needs arming. The release reads this after parking and a
     * pass clears [nextRun] before it reclaims parked connections, so either the pass finds [pc] or the release
     * sees null (not covered: it takes [pc] back and arms through the locked path).
     */
    fun coversParked(pc: PooledConnection<T>, now: ComparableTimeMark): Boolean {
        if (!watchIdleTimeout && !watchTtl) return true
        val scheduled = nextRun ?: return false
        if (watchIdleTimeout && now + pool.idleTimeout < scheduled) return false
        val expiry = pc.expiresAt
        return !(watchTtl && expiry != null && expiry < scheduled)
    }

    /** Under the pool's lock, on a tracked lease: true when the reaper must wake earlier for it. */
    fun armLeaseLocked(acquiredAt: ComparableTimeMark): Boolean =
        watchLeases && earlierLocked(acquiredAt + pool.leakThreshold)

    private fun earlierLocked(deadline: ComparableTimeMark): Boolean {
        val scheduled = nextRun ?: return false // a pass is running and will see it
        if (deadline >= scheduled) return false
        nextRun = deadline
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
        var next: ComparableTimeMark = now + cleanupInterval
        val creates: Int
        synchronized(pool.lock) {
            if (pool.closed) return null
            nextRun = null
            pool.unparkAllLocked() // parked connections age, expire and count toward minIdle/maxIdle like idle ones
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
            pool.leases?.forEach { lease ->
                if (lease.leakReported) return@forEach
                val deadline = lease.acquiredAt!! + pool.leakThreshold
                if (deadline <= now) {
                    lease.leakReported = true
                    pool.stats0.leaksDetected++
                    leaked += lease
                } else {
                    if (deadline < next) next = deadline
                }
            }
            creates = pool.planCreatesLocked()
            nextRun = next
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
