package io.hivepool.pool.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.pool.ConnectionManager
import io.hivepool.pool.Lease
import io.hivepool.pool.Order
import io.hivepool.pool.Pool
import io.hivepool.pool.PoolClosedException
import io.hivepool.pool.PoolConfig
import io.hivepool.pool.PoolExhaustedException
import io.hivepool.pool.PoolStats
import io.hivepool.pool.PoolTimeoutException
import io.hivepool.pool.Ttl
import io.hivepool.pool.WhenExhausted
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.isActive
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.ComparableTimeMark
import kotlin.time.Duration

internal val logger = KotlinLogging.logger("io.hivepool.pool")

/**
 * The pool. One small lock ([lock], a monitor never held across a suspension or a call into the manager or
 * into other coroutines) guards the idle deque, the counts, the waiter queue, the closed flag and the
 * counters. Everything slow (create, recycle, destroy) and every resumption of another coroutine happens
 * outside it.
 *
 * Accounting: size = idle.size + leasedCount + creating, and a slot is taken (creating++ or leasedCount++)
 * under the lock only after checking size < maxSize, so invariant 1 holds at every instant. A connection
 * in transit to a waiter, or being recycled for a borrower, counts as leased.
 *
 * The hot path takes no lock: a thread re-borrows the connection it returned last from its [ThreadCache]
 * with one CAS, and parks it there again on release (Release.kt). A parked connection counts as leased
 * (stats report it idle); anything that must see every idle connection first reclaims the parked ones.
 */
internal class RealPool<T>(
    internal val manager: ConnectionManager<T>,
    initialConfig: PoolConfig,
) : Pool<T> {
    override val name: String = initialConfig.name

    @Volatile
    override var config: PoolConfig = initialConfig
        private set

    internal val timeSource = initialConfig.timeSource

    // The waiters' clock: nanoseconds since this pool was made, read without allocating (a boxed mark per slow
    // acquire and another for its deadline were 3-5 % of what a lease allocated). Virtual in tests, as timeSource is.
    private val origin = timeSource.markNow()

    /** Now, on the waiters' clock (see [origin]): never negative. */
    internal fun nowNanos(): Long = origin.elapsedNow().inWholeNanoseconds
    internal val ttl: Ttl? = initialConfig.ttl
    internal val validateAfterIdle: Duration = initialConfig.validateAfterIdle
    internal val recycleTimeout: Duration = initialConfig.recycleTimeout
    internal val acquireTimeout: Duration = initialConfig.acquireTimeout
    internal val createTimeout: Duration = initialConfig.createTimeout
    internal val idleTimeout: Duration = initialConfig.idleTimeout
    internal val leakThreshold: Duration = initialConfig.leakDetectionThreshold
    internal val trackLeases: Boolean = leakThreshold.isFinite()
    private val lifo: Boolean = initialConfig.order == Order.LIFO
    internal val failWhenExhausted: Boolean = initialConfig.whenExhausted == WhenExhausted.FAIL
    internal val maxWaiters: Int = initialConfig.maxWaiters

    /** Parent of every background job; a child of the configured scope's Job, cancelled by close(). */
    internal val poolJob: Job = SupervisorJob(initialConfig.scope?.coroutineContext?.get(Job))
    internal val scope: CoroutineScope = CoroutineScope(
        (initialConfig.scope?.coroutineContext ?: Dispatchers.Default) + poolJob + CoroutineName("hivepool-$name"),
    )

    internal val lock = Any()

    // ---- guarded by lock ----
    internal val idle = ArrayDeque<PooledConnection<T>>() // oldest idleSince at the front
    internal var leasedCount = 0
    internal var creating = 0
    internal var maxSize: Int = initialConfig.maxSize
    internal var minIdle: Int = initialConfig.minIdle
    internal var maxIdle: Int = initialConfig.maxIdle
    @Volatile
    internal var closed = false
    internal val leases: MutableSet<RealLease<T>>? = if (trackLeases) LinkedHashSet() else null
    internal var nextId = 1L
    internal val stats0 = StatsCounters()

    /** Bumped by evictAll(): connections of an older generation are destroyed on return. */
    @Volatile
    internal var generation = 0

    internal val createFailures = CreateFailureState()
    internal val reaper = Reaper(this)
    internal val timeouts = AcquireTimeouts(this, acquireTimeout)

    /** Completed when closed and nothing is leased any more. */
    internal val drained = CompletableDeferred<Unit>()

    /** Connections handed to destroy() that have not finished yet: they still hold a place (and a socket). */
    internal var destroying = 0

    /** The places taken against maxSize. Destroying ones count until destroy() returns, so a replacement never
     *  overlaps the connection it replaces. */
    internal val sizeLocked: Int get() = idle.size + leasedCount + creating + destroying

    /** Places taken by connections that exist (or are being made) for callers: what a return must fit in. */
    internal val liveSizeLocked: Int get() = idle.size + leasedCount + creating

    /** A connection leaves the pool for [reason]; it keeps its place until its destroy() finishes. */
    internal fun retireLocked(reason: DestroyReason) {
        stats0.countDestroyed(reason)
        destroying++
    }

    internal val waitQueue = WaitQueue(lock) { value -> returnGrant(value) }

    /**
     * Thread-affine parking, on only where it changes no behaviour: LIFO (a thread's last returned connection
     * is the newest idle one), no leak tracking (every lease is registered under the lock), no Ttl.Once.
     */
    internal val caching: Boolean = lifo && !trackLeases && ttl !== Ttl.Once
    internal val cache = ThreadCache<T>() // its *Locked methods are guarded by lock

    /** Written under lock: resize() left more live connections than maxSize. Volatile: read by a fast release. */
    @Volatile
    internal var shrinking = false
        private set

    init {
        // If the configured scope is cancelled without close(), the pool can no longer create or destroy:
        // close it so callers fail with PoolClosedException instead of waiting for creates that never run.
        poolJob.invokeOnCompletion { beginClose() }
        reaper.start()
        timeouts.start()
    }

    // ------------------------------------------------------------------ acquire

    override suspend fun acquire(): Lease<T> {
        // Hot path without a suspension point (so no continuation is allocated): an idle connection, nobody
        // queued, no recycle due. Only the tail call below suspends.
        val fast = acquireFast()
        @Suppress("UNCHECKED_CAST")
        if (fast is RealLease<*>) return fast as Lease<T>
        @Suppress("UNCHECKED_CAST")
        return acquireSlow(fast as PooledConnection<T>?)
    }

    /**
     * A lease; or a popped idle connection (counted leased and as a hit) that needs recycle or an owner name
     * for leak detection; or null when nothing idle can be taken without queueing.
     */
    private fun acquireFast(): Any? {
        while (true) {
            val pc = takeCached() ?: synchronized(lock) {
                if (closed) throw closedException()
                if (waitQueue.live != 0) return null // never barge past a queued waiter
                takeIdleLocked()?.also { stats0.hits++ } ?: return null
            }
            val reason = unusableReason(pc)
            if (reason != null) {
                drop(pc, reason, hit = true)
                continue
            }
            if (trackLeases || needsRecycle(pc)) return pc
            return newLease(pc, owner = null)
        }
    }

    /** This thread's parked connection, taken without the lock (a hit; it stays counted leased), or null. */
    private fun takeCached(): PooledConnection<T>? {
        if (!caching || closed || waitQueue.live != 0) return null
        val pc = cache.take() ?: return null
        stats0.cacheHits.increment()
        return pc
    }

    internal suspend fun ownerName(): String? =
        if (trackLeases) currentCoroutineContext()[CoroutineName]?.name else null

    override fun tryAcquire(): Lease<T>? {
        val cached = if (caching && !closed && waitQueue.live == 0) cache.take() else null
        if (cached != null) {
            // Never recycles: parked again with its idleSince, so the next acquire() validates it.
            if (needsRecycle(cached)) {
                checkIn(cached, discard = false, lease = null, keepIdleSince = true)
                return null
            }
            stats0.cacheHits.increment()
            val reason = unusableReason(cached) ?: return newLease(cached, owner = null)
            drop(cached, reason, hit = true)
        }
        while (true) {
            val pc: PooledConnection<T>
            synchronized(lock) {
                if (closed) throw closedException()
                if (waitQueue.live != 0) return null // never barge past a queued waiter
                val candidate = if (lifo) idle.lastOrNull() else idle.firstOrNull()
                if (candidate == null) {
                    pc = cache.stealLocked() ?: return null
                    if (needsRecycle(pc)) {
                        leasedCount--
                        insertIdleLocked(pc)
                        return null
                    }
                } else {
                    if (needsRecycle(candidate)) return null
                    pc = pollIdleLocked()!!
                    leasedCount++
                }
                stats0.hits++
            }
            val reason = unusableReason(pc)
            if (reason == null) return newLease(pc, owner = null)
            drop(pc, reason, hit = true)
        }
    }

    /** A grant that never reached its waiter: a connection goes back; an error has nobody left to tell. */
    internal fun returnGrant(value: Any) {
        @Suppress("UNCHECKED_CAST")
        if (value is PooledConnection<*>) checkIn(value as PooledConnection<T>, discard = false, lease = null)
    }

    internal fun pollIdleLocked(): PooledConnection<T>? = if (lifo) idle.removeLastOrNull() else idle.removeFirstOrNull()

    /** An idle connection, or else one parked in any thread's cache, counted as leased; null when none. */
    internal fun takeIdleLocked(): PooledConnection<T>? {
        val pc = pollIdleLocked() ?: return cache.stealLocked()
        leasedCount++
        return pc
    }

    /** [pc] into the idle deque at its place by idleSince (the front is the one idle the longest). */
    internal fun insertIdleLocked(pc: PooledConnection<T>) {
        val since = pc.idleSince
        var i = idle.size
        if (since != null) while (i > 0 && idle[i - 1].idleSince.let { it != null && it > since }) i--
        idle.add(i, pc)
    }

    /** Every parked connection back into the idle deque (a reaper pass, resize()). */
    internal fun unparkAllLocked() {
        cache.reclaimAllLocked { pc ->
            leasedCount--
            insertIdleLocked(pc)
        }
    }

    /** Every parked connection out, to be destroyed for [reason] (close(), evictAll()). */
    private fun retireParkedLocked(reason: DestroyReason, into: MutableList<PooledConnection<T>>) {
        cache.reclaimAllLocked { pc ->
            leasedCount--
            retireLocked(reason)
            into += pc
        }
    }

    /** After a connection left (checkIn): clears [shrinking] once the pool is back within maxSize. */
    internal fun settleShrinkingLocked() {
        if (shrinking) shrinking = liveSizeLocked > maxSize
    }

    /** Idle connections: in the deque, or parked in a thread's cache. */
    internal fun idleCountLocked(): Int = idle.size + cache.parkedCountLocked()

    // ------------------------------------------------------------------ use, stats, errors

    override suspend fun <R> use(block: suspend (T) -> R): R {
        val lease = acquire()
        val result = try {
            block(lease.connection)
        } catch (e: CancellationException) {
            lease.discard() // state unknown: a command may be half-written
            throw e
        } catch (e: Throwable) {
            lease.release() // isBroken() on release decides whether it goes back
            throw e
        }
        lease.release()
        return result
    }

    override val stats: PoolStats
        get() = synchronized(lock) {
            val parked = cache.parkedCountLocked()
            stats0.snapshot(idle.size + parked, leasedCount - parked, waitQueue.live, creating)
        }

    internal fun closedException(): PoolClosedException = PoolClosedException("pool $name is closed")

    internal fun exhaustedException(): PoolExhaustedException =
        PoolExhaustedException("pool $name is exhausted (size=$liveSizeLocked, maxSize=$maxSize, waiters=${waitQueue.live})")

    /** Counts a timeout and describes the pool as it is now. Under the lock. */
    internal fun timeoutExceptionLocked(): PoolTimeoutException {
        stats0.timeouts++
        val parked = cache.parkedCountLocked()
        val message = "timed out after $acquireTimeout waiting for a connection (pool=$name, " +
            "size=$liveSizeLocked, idle=${idle.size + parked}, inUse=${leasedCount - parked}, " +
            "waiters=${waitQueue.live})"
        return PoolTimeoutException(message, createFailures.lastFailure)
    }

    // ------------------------------------------------------------------ close, resize, evict

    override fun close() {
        beginClose()
        poolJob.cancel()
    }

    override suspend fun close(grace: Duration) {
        beginClose()
        if (grace.isPositive()) withTimeoutOrNull(grace) { drained.await() }
        poolJob.cancel()
        poolJob.join() // background jobs stopped; destroys already started run to completion
    }

    private fun beginClose() {
        val failed = ArrayList<Waiter>()
        val toDestroy = ArrayList<PooledConnection<T>>()
        synchronized(lock) {
            if (closed) return
            closed = true // before the reclaim: see Release.kt's parkFast
            toDestroy += idle
            idle.clear()
            repeat(toDestroy.size) { retireLocked(DestroyReason.CLOSED) }
            retireParkedLocked(DestroyReason.CLOSED, toDestroy)
            while (true) failed += waitQueue.grantNextLocked(closedException()) ?: break
        }
        failed.forEach(waitQueue::deliver)
        destroyLater(toDestroy)
        checkDrained()
    }

    internal fun checkDrained() {
        if (drained.isCompleted) return
        val done = synchronized(lock) { closed && leasedCount == 0 }
        if (done) drained.complete(Unit)
    }

    override fun resize(maxSize: Int) {
        require(maxSize > 0) { "maxSize must be > 0, was $maxSize" }
        val toDestroy = ArrayList<PooledConnection<T>>()
        val creates: Int
        synchronized(lock) {
            this.maxSize = maxSize
            minIdle = minOf(config.minIdle, maxSize)
            config = config.toBuilder().also {
                it.maxSize = maxSize
                it.minIdle = minIdle
            }.build()
            shrinking = true // before the reclaim: see Release.kt's parkFast
            unparkAllLocked()
            // Leased ones over the limit are destroyed on return (checkIn sees size >= maxSize).
            while (liveSizeLocked > maxSize && idle.isNotEmpty()) {
                toDestroy += idle.removeFirst()
                retireLocked(DestroyReason.IDLE)
            }
            shrinking = liveSizeLocked > maxSize
            creates = planCreatesLocked()
        }
        destroyLater(toDestroy)
        launchCreates(creates)
    }

    override suspend fun evictIdle() {
        reaper.runPass()?.join()
    }

    override fun evictAll() {
        val toDestroy = ArrayList<PooledConnection<T>>()
        val creates: Int
        synchronized(lock) {
            generation++ // before the reclaim: see Release.kt's parkFast
            toDestroy += idle
            idle.clear()
            repeat(toDestroy.size) { retireLocked(DestroyReason.IDLE) }
            retireParkedLocked(DestroyReason.IDLE, toDestroy)
            creates = planCreatesLocked()
        }
        destroyLater(toDestroy)
        launchCreates(creates)
    }

    /**
     * How many creates to start now (already counted in [creating]): enough to cover queued waiters not yet
     * covered by a create in flight, plus the minIdle deficit, within maxSize. None while closed or failing fast.
     */
    internal fun planCreatesLocked(): Int {
        if (closed || createFailures.failingFast) return 0
        val room = maxSize - sizeLocked
        if (room <= 0) return 0
        val deficit = if (minIdle > idle.size) maxOf(0, minIdle - idleCountLocked()) else 0
        val want = waitQueue.live + deficit - creating
        val n = minOf(want, room)
        if (n <= 0) return 0
        creating += n
        return n
    }

    override fun toString(): String = "Pool($name)"
}
