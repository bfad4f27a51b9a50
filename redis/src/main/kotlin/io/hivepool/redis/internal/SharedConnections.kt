package io.hivepool.redis.internal

import io.hivepool.pool.Lease
import io.hivepool.pool.Pool
import io.hivepool.pool.PoolClosedException
import io.hivepool.redis.RedisConnection
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference

/**
 * The connections that carry pool-level commands. Each slot holds one lease taken from the pool for as long as
 * its connection works, so shared connections count against maxSize and never carry an exclusive lease's
 * traffic. Callers are spread round robin; a slot whose connection broke is emptied (its lease discarded) and
 * refilled: by the caller itself when no other slot is live, else in the background.
 *
 * No lock on the fast path: a volatile read of the slot, and the connection's own isBroken check.
 */
internal class SharedConnections(
    private val pool: Pool<RedisConnection>,
    size: Int,
    private val scope: CoroutineScope,
) {
    private class Slot {
        val lease = AtomicReference<Lease<RedisConnection>?>(null)
        val filling = Mutex() // one acquirer per slot; others wait for its result
        val backgroundFill = AtomicBoolean(false)
    }

    private val slots = Array(size) { Slot() }
    private val next = AtomicInteger()

    @Volatile
    private var closed = false

    /**
     * A live shared connection, leasing one from the pool when none is. Cancellable: a caller cancelled while
     * leasing leaves the slot empty (the pool takes back anything it had handed over).
     */
    suspend fun connection(): RealRedisConnection {
        val n = slots.size
        val first = if (n == 1) 0 else (next.getAndIncrement() and Int.MAX_VALUE) % n
        return liveFrom(first) ?: fill(slots[first])
    }

    /** A live shared connection without suspending, or null when none is (the caller then uses [connection]). */
    fun connectionNow(): RealRedisConnection? {
        val n = slots.size
        return liveFrom(if (n == 1) 0 else (next.getAndIncrement() and Int.MAX_VALUE) % n)
    }

    /** The first live connection from slot [first] on; refills [first] in the background when it was not live. */
    private fun liveFrom(first: Int): RealRedisConnection? {
        val n = slots.size
        for (k in 0 until n) {
            val conn = live(slots[(first + k) % n]) ?: continue
            if (k > 0) fillInBackground(slots[first])
            return conn
        }
        return null
    }

    /** The slot's connection, or null (after emptying the slot) when it has none or it broke. */
    private fun live(slot: Slot): RealRedisConnection? {
        val lease = slot.lease.get() ?: return null
        val conn = lease.connection
        if (!conn.isBroken) return conn as RealRedisConnection
        if (slot.lease.compareAndSet(lease, null)) lease.discard()
        return null
    }

    private suspend fun fill(slot: Slot): RealRedisConnection = slot.filling.withLock {
        live(slot)?.let { return it }
        if (closed) throw PoolClosedException("pool ${pool.name} is closed")
        val lease = pool.acquire()
        if (closed) {
            lease.release()
            throw PoolClosedException("pool ${pool.name} is closed")
        }
        slot.lease.set(lease)
        lease.connection as RealRedisConnection
    }

    private fun fillInBackground(slot: Slot) {
        if (!slot.backgroundFill.compareAndSet(false, true)) return
        scope.launch {
            try {
                fill(slot)
            } catch (_: Throwable) {
                // The next caller that lands on this slot tries again (and sees the error itself).
            } finally {
                slot.backgroundFill.set(false)
            }
        }
    }

    /** Slots holding a connection right now (a broken one counts until a caller notices and empties its slot). */
    val held: Int get() = slots.count { it.lease.get() != null }

    /** Lets go of every shared connection (the closing pool destroys them). */
    fun close() {
        closed = true
        for (slot in slots) slot.lease.getAndSet(null)?.release()
    }
}
