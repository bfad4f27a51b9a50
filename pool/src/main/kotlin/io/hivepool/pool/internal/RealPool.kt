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
 * with one CAS, and parks it there again on release ([parkFast]). A parked connection counts as leased
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
    internal val ttl: Ttl? = initialConfig.ttl
    internal val validateAfterIdle: Duration = initialConfig.validateAfterIdle
    internal val recycleTimeout: Duration = initialConfig.recycleTimeout
    private val acquireTimeout: Duration = initialConfig.acquireTimeout
    internal val createTimeout: Duration = initialConfig.createTimeout
    internal val idleTimeout: Duration = initialConfig.idleTimeout
    internal val leakThreshold: Duration = initialConfig.leakDetectionThreshold
    internal val trackLeases: Boolean = leakThreshold.isFinite()
    private val lifo: Boolean = initialConfig.order == Order.LIFO
    private val failWhenExhausted: Boolean = initialConfig.whenExhausted == WhenExhausted.FAIL
    private val maxWaiters: Int = initialConfig.maxWaiters

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
    private val timeouts = AcquireTimeouts(this, acquireTimeout)

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
    private val caching: Boolean = lifo && !trackLeases && ttl !== Ttl.Once
    internal val cache = ThreadCache<T>() // its *Locked methods are guarded by lock

    /** Written under lock: resize() left more live connections than maxSize. Volatile: read by [parkFast]. */
    @Volatile
    private var shrinking = false

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

    private suspend fun ownerName(): String? =
        if (trackLeases) currentCoroutineContext()[CoroutineName]?.name else null

    override fun tryAcquire(): Lease<T>? {
        val cached = if (caching && !closed && waitQueue.live == 0) cache.take() else null
        if (cached != null) {
            // Never recycles: parked again with its idleSince, so the next acquire() validates it.
            if (needsRecycle(cached)) return null.also { checkIn(cached, discard = false, lease = null, keepIdleSince = true) }
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

    private suspend fun acquireSlow(popped: PooledConnection<T>?): Lease<T> {
        if (popped != null) checkOut(popped, hit = true, owner = ownerName())?.let { return it }
        val start = timeSource.markNow()
        val a = SlowAcquire(if (acquireTimeout.isFinite()) start + acquireTimeout else null)
        while (true) {
            takeOrQueue(a)
            a.granted?.forEach(waitQueue::deliver)
            val waiter = a.waiter
            if (a.front && waiter != null) timeouts.wake()
            launchCreates(a.creates)
            val got: Any = try {
                a.taken ?: awaitGrant(waiter!!)
            } finally {
                if (a.waited && waiter != null) recordWait(start)
            }
            if (got is Throwable) throw got
            @Suppress("UNCHECKED_CAST")
            val pc = got as PooledConnection<T>
            // The usual grant needs no check: made a lease here, without checkOut's suspending frame.
            if (!trackLeases && unusableReason(pc) == null && !needsRecycle(pc)) return newLease(pc, owner = null)
            val lease = checkOut(pc, hit = false, owner = ownerName())
            if (lease != null) return lease
            a.front = true
        }
    }

    /**
     * One slow acquire's state across its tries, in one object: locals assigned under `synchronized` in a
     * suspending function would each be boxed.
     */
    private class SlowAcquire(val deadline: ComparableTimeMark?) {
        var front = false // after a handed-over connection failed its check, we keep our place at the head
        var counted = false
        var waited = false // queued with no create in flight for us: a real wait, counted in waitCount/waitTime
        var taken: PooledConnection<*>? = null // this try's outcome: an idle connection taken, or
        var waiter: Waiter? = null // a place in the queue,
        var creates = 0 // and the creates to launch
        var granted: ArrayList<Waiter>? = null // waiters granted a parked connection after we queued, to deliver
    }

    /** One try of [acquireSlow], under the lock: takes an idle connection or queues a waiter (see [SlowAcquire]). */
    private fun takeOrQueue(a: SlowAcquire) = synchronized(lock) {
        a.taken = null
        a.waiter = null
        a.creates = 0
        a.granted = null
        if (closed) throw closedException()
        if (!a.counted) {
            stats0.misses++
            a.counted = true
        }
        val pc = if (waitQueue.live == 0 || a.front) takeIdleLocked() else null
        if (pc != null) {
            a.taken = pc
            return
        }
        createFailures.failFastException(this)?.let { throw it }
        // Would a create (in flight or possible) cover this caller? Then it may always wait for it.
        val covered = waitQueue.live + 1 <= creating + (maxSize - sizeLocked)
        if (!covered && !a.waited) {
            a.waited = true
            stats0.waitCount++
        }
        if (!covered && !a.front) {
            val uncovered = waitQueue.live - creating - (maxSize - sizeLocked)
            if (failWhenExhausted || uncovered >= maxWaiters) throw exhaustedException()
        }
        // Back at the head after a failed check, past our deadline: the timeout job may be asleep
        // until a later one, so time out here.
        if (a.front && a.deadline != null && a.deadline.hasPassedNow()) throw timeoutExceptionLocked()
        a.waiter = waitQueue.enqueueLocked(a.front, a.deadline)
        // A fast release may have parked a connection without seeing our live++; it wrote PARKED before it
        // read live, so we see PARKED here (see parkFast). Each one serves the head waiter (maybe us).
        while (waitQueue.live > 0) {
            val parked = cache.stealLocked() ?: break
            val w = waitQueue.grantNextLocked(parked)!! // live > 0: someone is queued; already counted leased
            (a.granted ?: ArrayList<Waiter>(2).also { a.granted = it }).add(w)
        }
        a.creates = planCreatesLocked()
    }

    /**
     * Suspends until [w] is granted: a connection, or an exception to throw ([AcquireTimeouts] grants the
     * timeout). On cancellation a grant that arrived anyway goes back to the pool.
     */
    @Suppress("NOTHING_TO_INLINE") // inlined into acquireSlow: no frame of its own per wait
    private suspend inline fun awaitGrant(w: Waiter): Any {
        try {
            return waitQueue.await(w)
        } catch (e: CancellationException) {
            waitQueue.abandon(w)?.let(::returnGrant)
            throw e
        }
    }

    private fun recordWait(start: ComparableTimeMark) {
        val waited = start.elapsedNow() // cumulative since the first try: a retry does not double count
        synchronized(lock) {
            stats0.waitTimeTotal += waited
            if (waited > stats0.waitTimeMax) stats0.waitTimeMax = waited
        }
    }

    /** A grant that never reached its waiter: a connection goes back; an error has nobody left to tell. */
    private fun returnGrant(value: Any) {
        @Suppress("UNCHECKED_CAST")
        if (value is PooledConnection<*>) checkIn(value as PooledConnection<T>, discard = false, lease = null)
    }

    internal fun pollIdleLocked(): PooledConnection<T>? = if (lifo) idle.removeLastOrNull() else idle.removeFirstOrNull()

    /** An idle connection, or else one parked in any thread's cache, counted as leased; null when none. */
    private fun takeIdleLocked(): PooledConnection<T>? {
        val pc = pollIdleLocked() ?: return cache.stealLocked()
        leasedCount++
        return pc
    }

    /** [pc] into the idle deque at its place by idleSince (the front is the one idle the longest). */
    private fun insertIdleLocked(pc: PooledConnection<T>) {
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

    /** Idle connections: in the deque, or parked in a thread's cache. */
    private fun idleCountLocked(): Int = idle.size + cache.parkedCountLocked()

    // ------------------------------------------------------------------ release

    /**
     * Called exactly once per lease (RealLease's CAS), or for a grant its waiter never received, or by
     * tryAcquire() for a cached connection it does not take ([keepIdleSince]: it did not go idle again).
     */
    internal fun checkIn(pc: PooledConnection<T>, discard: Boolean, lease: RealLease<T>?, keepIdleSince: Boolean = false) {
        pc.leased = false
        var reason: DestroyReason? = when {
            discard -> DestroyReason.BROKEN
            isBroken(pc) -> DestroyReason.BROKEN
            ttl === Ttl.Once && lease != null -> DestroyReason.TTL
            pc.isExpired() -> DestroyReason.TTL
            pc.generation != generation -> DestroyReason.IDLE
            else -> null
        }
        val now = if (reason == null) timeSource.markNow() else null
        if (now != null && lease != null && caching && parkFast(pc, now)) return
        var waiter: Waiter? = null
        var creates = 0
        var wakeReaper = false
        synchronized(lock) {
            leasedCount--
            cache.detachLocked(pc)
            if (lease != null) leases?.remove(lease)
            if (reason == null) {
                reason = when {
                    closed -> DestroyReason.CLOSED
                    liveSizeLocked >= maxSize -> DestroyReason.IDLE // shrinking after resize()
                    else -> null
                }
            }
            if (reason == null) {
                if (!keepIdleSince) pc.idleSince = now
                waiter = waitQueue.grantNextLocked(pc)
                if (waiter != null) {
                    leasedCount++
                } else if (idle.size + cache.sizeLocked >= maxIdle && idleCountLocked() >= maxIdle) {
                    reason = DestroyReason.IDLE
                } else {
                    wakeReaper = goIdleLocked(pc)
                }
            }
            if (reason != null) {
                retireLocked(reason)
                creates = planCreatesLocked()
            }
            if (shrinking) shrinking = liveSizeLocked > maxSize
        }
        waitQueue.deliver(waiter)
        if (reason != null) destroyLater(pc)
        launchCreates(creates)
        if (wakeReaper) reaper.wake()
        if (closed) checkDrained()
    }

    /**
     * [pc] (counted nowhere) goes idle: parked in this thread's cache, the connection parked there before
     * moving to the idle deque; or, without caching, at the back of the deque. True when the reaper must wake.
     */
    private fun goIdleLocked(pc: PooledConnection<T>): Boolean {
        if (caching) {
            leasedCount++ // parked counts as leased
            cache.parkLocked(pc)?.let { displaced ->
                leasedCount--
                insertIdleLocked(displaced)
            }
        } else {
            idle.addLast(pc)
        }
        return reaper.armIdleLocked(pc, pc.idleSince!!)
    }

    /**
     * Lock-free release of a healthy [pc] taken from this thread's cache: PARKED again for this thread's next
     * acquire. False when the locked path must run (the caller still owns [pc]); true when [pc] is parked, or
     * already someone else's.
     *
     * The race: a waiter writes live++ (enqueue) and then looks for PARKED connections; we write PARKED and
     * then read live. Both are volatile (sequentially consistent), so at least one sees the other: the waiter
     * steals [pc], or we see live != 0, take [pc] back and grant it in the locked path. close() (closed),
     * evictAll() (generation), resize() (shrinking) and a reaper pass (nextRun) likewise write their flag
     * before they reclaim parked connections.
     */
    private fun parkFast(pc: PooledConnection<T>, now: ComparableTimeMark): Boolean {
        if (!cache.holds(pc) || !mayPark(pc, now)) return false
        pc.idleSince = now
        if (!cache.park(pc)) return false // NONE: it came from the idle deque or a create
        if (mayPark(pc, now)) return true
        return !cache.unpark(pc) // lost: whoever took it owns it now
    }

    private fun mayPark(pc: PooledConnection<T>, now: ComparableTimeMark): Boolean =
        waitQueue.live == 0 && !closed && pc.generation == generation && !shrinking && reaper.coversParked(pc, now)

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

    private fun exhaustedException(): PoolExhaustedException =
        PoolExhaustedException("pool $name is exhausted (size=$liveSizeLocked, maxSize=$maxSize, waiters=${waitQueue.live})")

    /** Counts a timeout and describes the pool as it is now. Under the lock. */
    internal fun timeoutExceptionLocked(): PoolTimeoutException {
        stats0.timeouts++
        val parked = cache.parkedCountLocked()
        val message = "timed out after $acquireTimeout waiting for a connection (pool=$name, " +
            "size=$liveSizeLocked, idle=${idle.size + parked}, inUse=${leasedCount - parked}, waiters=${waitQueue.live})"
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
            closed = true // before the reclaim: see parkFast
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
            shrinking = true // before the reclaim: see parkFast
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
            generation++ // before the reclaim: see parkFast
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
