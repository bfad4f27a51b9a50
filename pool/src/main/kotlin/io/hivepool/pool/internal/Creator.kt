package io.hivepool.pool.internal

import io.hivepool.pool.ConnectionCreateException
import io.hivepool.pool.Ttl
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.TimeoutException
import kotlin.random.Random
import kotlin.time.ComparableTimeMark

/**
 * Consecutive create failures and the fail-fast state (invariant 8); guarded by the pool's lock.
 *
 * ```
 *  normal --threshold consecutive failures--> failing fast (acquires needing a create throw at once;
 *     ^                                          exactly one probe job dials once per createBackoff)
 *     \------------- any create succeeds (probe or one still in flight) ------------/
 * ```
 * Failing fast never latches: the probe keeps dialing until one succeeds or the pool closes.
 */
internal class CreateFailureState {
    var consecutive = 0
    var failingFast = false
    var probeRunning = false

    /** Last failure since the last success; the cause of timeouts and of fail-fast errors. */
    var lastFailure: Throwable? = null

    fun failFastException(pool: RealPool<*>): ConnectionCreateException? =
        if (failingFast) pool.createException(lastFailure!!) else null
}

internal fun RealPool<*>.createException(cause: Throwable): ConnectionCreateException =
    ConnectionCreateException(
        "could not create a connection for pool $name: ${cause.message ?: cause.javaClass.name}",
        cause,
    )

/** Starts [n] creates already counted in `creating`. They run in the pool's scope, never in a caller's. */
@OptIn(DelicateCoroutinesApi::class)
internal fun <T> RealPool<T>.launchCreates(n: Int) {
    // ATOMIC: the body always runs, so `creating` is always settled even if the scope is being cancelled.
    repeat(n) { scope.launch(start = CoroutineStart.ATOMIC) { runCreate() } }
}

private class Dialed<T>(val conn: T)

/** One create() bounded by createTimeout: the connection, or the failure. Rethrows our own cancellation. */
private suspend fun <T> RealPool<T>.dial(): Any? {
    var made: Dialed<T>? = null
    try {
        withTimeout(createTimeout) { made = Dialed(manager.create()) }
        return made
    } catch (e: CancellationException) {
        // create() returned just as the timeout or close() struck: keep it (onCreated destroys it if closed),
        // a connection the manager opened must never be dropped on the floor.
        made?.let { return it }
        if (currentCoroutineContext().isActive) {
            return if (e is TimeoutCancellationException) {
                TimeoutException("create() did not complete within createTimeout ($createTimeout)")
            } else {
                e // the manager's own cancellation-flavoured failure
            }
        }
        synchronized(lock) { creating-- }
        if (closed) checkDrained()
        throw e
    } catch (e: Throwable) {
        return e
    }
}

private suspend fun <T> RealPool<T>.runCreate() {
    val result = dial()
    @Suppress("UNCHECKED_CAST")
    if (result is Dialed<*>) onCreated((result as Dialed<T>).conn) else onCreateFailed(result as Throwable)
}

private fun RealPool<*>.expiryFrom(now: ComparableTimeMark): ComparableTimeMark? = when (val t = config.ttl) {
    null, Ttl.Once -> null
    is Ttl.Simple -> now + t.lifetime
    is Ttl.Fuzzy -> now + t.min + t.fuzz * Random.nextDouble()
}

/** A fresh connection serves the oldest waiter, or goes idle; a success ends failing fast. */
private fun <T> RealPool<T>.onCreated(conn: T) {
    val now = timeSource.markNow()
    var waiter: Waiter? = null
    var destroy = false
    var wakeReaper = false
    val creates: Int
    val pc: PooledConnection<T>
    synchronized(lock) {
        creating--
        stats0.created++
        createFailures.consecutive = 0
        createFailures.lastFailure = null
        createFailures.failingFast = false
        pc = PooledConnection(conn, nextId++, now, expiryFrom(now), generation)
        when {
            closed -> {
                destroy = true
                retireLocked(DestroyReason.CLOSED)
            }
            liveSizeLocked >= maxSize -> { // shrunk by resize() while it was being created
                destroy = true
                retireLocked(DestroyReason.IDLE)
            }
            else -> {
                waiter = waitQueue.grantNextLocked(pc)
                if (waiter != null) {
                    leasedCount++
                } else {
                    pc.idleSince = now
                    idle.addLast(pc)
                    wakeReaper = reaper.armIdleLocked(pc, now)
                }
            }
        }
        creates = planCreatesLocked()
    }
    waitQueue.deliver(waiter)
    if (destroy) destroyLater(pc)
    launchCreates(creates)
    if (wakeReaper) reaper.wake()
    if (closed) checkDrained()
}

/**
 * The oldest waiter learns of the failure at once. At createFailureThreshold consecutive failures the pool
 * fails fast: every waiter fails now (nothing else would serve them soon) and one probe starts.
 */
private fun <T> RealPool<T>.onCreateFailed(cause: Throwable) {
    logger.debug(cause) { "create() failed for pool $name" }
    val failed = ArrayList<Waiter>()
    var startProbe = false
    val creates: Int
    synchronized(lock) {
        creating--
        stats0.createFailures++
        val f = createFailures
        f.consecutive++
        f.lastFailure = cause
        if (!f.failingFast && f.consecutive >= config.createFailureThreshold) {
            f.failingFast = true
            if (!f.probeRunning) {
                f.probeRunning = true
                startProbe = !closed
            }
        }
        if (!closed) {
            if (f.failingFast) {
                while (true) failed += waitQueue.grantNextLocked(createException(cause)) ?: break
            } else {
                waitQueue.grantNextLocked(createException(cause))?.let { failed += it }
            }
        }
        creates = planCreatesLocked()
    }
    if (startProbe) logger.warn(cause) { "pool $name: ${config.createFailureThreshold} creates failed in a row; failing fast" }
    failed.forEach(waitQueue::deliver)
    launchCreates(creates)
    if (startProbe) launchProbe()
    if (closed) checkDrained()
}

/** While failing fast: once per createBackoff, exactly one create; the first success ends failing fast. */
private fun <T> RealPool<T>.launchProbe() {
    scope.launch {
        try {
            while (true) {
                delay(config.createBackoff)
                val dialNow = synchronized(lock) {
                    if (closed || !createFailures.failingFast) {
                        // Cleared in the same section that decides to stop, so a new failure streak
                        // always finds probeRunning == false and starts a new probe (never latches).
                        createFailures.probeRunning = false
                        return@launch
                    }
                    if (sizeLocked >= maxSize) {
                        false
                    } else {
                        creating++
                        true
                    }
                }
                if (!dialNow) continue
                val result = dial()
                if (result is Dialed<*>) {
                    synchronized(lock) { createFailures.probeRunning = false }
                    @Suppress("UNCHECKED_CAST")
                    onCreated((result as Dialed<T>).conn)
                    return@launch
                }
                val cause = result as Throwable
                synchronized(lock) {
                    creating--
                    stats0.createFailures++
                    createFailures.lastFailure = cause
                }
                logger.debug(cause) { "pool $name: probe create failed; still failing fast" }
            }
        } catch (e: CancellationException) {
            synchronized(lock) { createFailures.probeRunning = false }
            throw e
        }
    }
}

/**
 * Destroys in the pool's scope: never blocks the caller, bounded by createTimeout, a throw is logged and
 * swallowed. Each connection was counted in `destroying` (retireLocked) and frees its place when done.
 */
@OptIn(DelicateCoroutinesApi::class)
internal fun <T> RealPool<T>.destroyLater(pcs: List<PooledConnection<T>>): Job? {
    if (pcs.isEmpty()) return null
    // ATOMIC + NonCancellable: a destroy decided before close() still happens after the scope is cancelled.
    return scope.launch(start = CoroutineStart.ATOMIC) {
        withContext(NonCancellable) {
            for (pc in pcs) {
                destroyNow(pc)
                val creates = synchronized(lock) {
                    destroying--
                    planCreatesLocked()
                }
                launchCreates(creates)
            }
        }
    }
}

internal fun <T> RealPool<T>.destroyLater(pc: PooledConnection<T>): Job? = destroyLater(listOf(pc))

private suspend fun <T> RealPool<T>.destroyNow(pc: PooledConnection<T>) {
    try {
        val done = withTimeoutOrNull(createTimeout) { manager.destroy(pc.conn) }
        if (done == null) logger.warn { "pool $name: destroy() of connection ${pc.id} did not finish within $createTimeout" }
    } catch (e: Throwable) {
        logger.warn(e) { "pool $name: destroy() of connection ${pc.id} threw; ignored" }
    }
}
