package io.hivepool.pool

import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import java.io.IOException
import kotlin.time.Duration

/** A connection handed out by [FakeManager]. Flags record what the test or the pool did to it. */
class FakeConn(val id: Int) {
    /** Reported by [FakeManager.isBroken]; tests set it to simulate a connection that broke while leased. */
    @Volatile var broken: Boolean = false

    /** Set when the state of this connection became unknown: it must never be handed out again (invariant 4). */
    @Volatile var poisoned: Boolean = false

    @Volatile var destroyed: Boolean = false

    override fun toString(): String = "FakeConn($id)"
}

/** What a [FakeManager] call does when it is made. */
sealed interface Behavior {
    data object Succeed : Behavior
    data class Fail(val message: String = "connection refused") : Behavior
    data class Slow(val delay: Duration) : Behavior
    data class SlowThenFail(val delay: Duration, val message: String = "connection refused") : Behavior
    data object Never : Behavior

    /** Slow and deaf to cancellation, like a blocking connect: it completes even after its caller gave up. */
    data class Stubborn(val delay: Duration) : Behavior
}

/**
 * A test double for [ConnectionManager] that models failure: create, recycle and destroy can succeed, fail,
 * be slow or never return. It counts every call, tracks which connections are alive, and records every
 * violation it can see from the outside of the pool (more connections alive, being destroyed or being created
 * than [limit]; a connection destroyed twice) so tests can assert that nothing leaked and nothing was destroyed
 * twice.
 *
 * Thread safe: the Java-facing tests drive it from several threads.
 */
class FakeManager(
    /** The most connections that may be alive or being created at once; checked at the start of every create. */
    @Volatile var limit: () -> Int = { Int.MAX_VALUE },
) : ConnectionManager<FakeConn> {
    @Volatile var onCreate: Behavior = Behavior.Succeed
    @Volatile var onRecycle: Behavior = Behavior.Succeed
    @Volatile var onDestroy: Behavior = Behavior.Succeed

    /** What a recycle that completes returns; a function so tests can fail one connection and pass another. */
    @Volatile var recycleResult: (FakeConn) -> Boolean = { true }

    /** Create behaviours consumed one per create before [onCreate] applies. */
    private val createScript = ArrayDeque<Behavior>()

    private val lock = Any()
    private var nextId = 0
    private val all = mutableListOf<FakeConn>()
    private val alive = LinkedHashSet<FakeConn>()
    private val destroyCalls = HashMap<FakeConn, Int>()
    private var creating = 0
    private var recycling = 0
    private var createCallCount = 0
    private var recycleCallCount = 0
    private var failedCreateCount = 0
    private var peak = 0
    private val problems = mutableListOf<String>()

    fun script(vararg behaviors: Behavior): Unit = synchronized(lock) { createScript.addAll(behaviors) }

    override suspend fun create(): FakeConn {
        val behavior = synchronized(lock) {
            createCallCount++
            creating++
            val inFlight = alive.size + creating
            if (inFlight > peak) peak = inFlight
            val max = limit()
            if (inFlight > max) problems += "create started with ${alive.size} alive and $creating creating, limit $max"
            createScript.removeFirstOrNull() ?: onCreate
        }
        var ok = false
        try {
            perform(behavior, "create")
            // Alive and no longer creating in one step: a create checked in between would count it twice.
            val conn = synchronized(lock) {
                creating--
                ok = true
                FakeConn(++nextId).also { all += it; alive += it }
            }
            return conn
        } finally {
            if (!ok) {
                synchronized(lock) {
                    creating--
                    failedCreateCount++
                }
            }
        }
    }

    override suspend fun recycle(conn: FakeConn, info: ConnectionInfo): Boolean {
        synchronized(lock) {
            recycleCallCount++
            recycling++
            if (conn !in alive) problems += "recycle of $conn which is not alive"
        }
        var result = false
        try {
            perform(onRecycle, "recycle")
            result = recycleResult(conn)
            return result
        } finally {
            synchronized(lock) { recycling-- }
            // Whatever the pool does next, a connection that failed its check must never be handed out again.
            if (!result) conn.poisoned = true
        }
    }

    override fun isBroken(conn: FakeConn): Boolean {
        if (conn.broken) conn.poisoned = true
        return conn.broken
    }

    override suspend fun destroy(conn: FakeConn) {
        synchronized(lock) {
            val calls = (destroyCalls[conn] ?: 0) + 1
            destroyCalls[conn] = calls
            if (calls > 1) problems += "$conn destroyed $calls times"
            if (conn !in all) problems += "destroy of $conn which this manager never created"
            conn.destroyed = true
            conn.poisoned = true
        }
        // A connection still counts against the limit until its destroy() has returned (or was abandoned).
        try {
            perform(onDestroy, "destroy")
        } finally {
            synchronized(lock) { alive -= conn }
        }
    }

    private suspend fun perform(behavior: Behavior, what: String) {
        when (behavior) {
            Behavior.Succeed -> Unit
            is Behavior.Fail -> throw IOException(behavior.message)
            is Behavior.Slow -> delay(behavior.delay)
            is Behavior.SlowThenFail -> {
                delay(behavior.delay)
                throw IOException(behavior.message)
            }
            Behavior.Never -> awaitCancellation()
            is Behavior.Stubborn -> withContext(NonCancellable) { delay(behavior.delay) }
        }
    }

    /** Successful creates so far. */
    val created: Int get() = synchronized(lock) { all.size }
    val createCalls: Int get() = synchronized(lock) { createCallCount }
    val failedCreates: Int get() = synchronized(lock) { failedCreateCount }
    val creatingNow: Int get() = synchronized(lock) { creating }
    val recycleCalls: Int get() = synchronized(lock) { recycleCallCount }
    val recyclingNow: Int get() = synchronized(lock) { recycling }

    /** Connections handed to destroy (called at least once, maybe still running). */
    val destroyed: Int get() = synchronized(lock) { destroyCalls.size }
    val aliveCount: Int get() = synchronized(lock) { alive.size }
    val aliveConnections: List<FakeConn> get() = synchronized(lock) { alive.toList() }
    val allConnections: List<FakeConn> get() = synchronized(lock) { all.toList() }

    /** The most connections that were alive or being created at once, sampled at every create. */
    val peakInFlight: Int get() = synchronized(lock) { peak }

    /** Everything this manager saw go wrong; empty when the pool behaved. */
    val violations: List<String> get() = synchronized(lock) { problems.toList() }

    fun destroyCount(conn: FakeConn): Int = synchronized(lock) { destroyCalls[conn] ?: 0 }
}
