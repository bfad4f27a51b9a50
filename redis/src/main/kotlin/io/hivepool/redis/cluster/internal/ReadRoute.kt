package io.hivepool.redis.cluster.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisPool
import io.hivepool.redis.cluster.ReadFrom
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Which node a read-only command goes to under a [ReadFrom] rule, shared by the cluster client (one shard: a
 * primary and its replicas) and the Sentinel pool (the master and the replicas the sentinels list).
 *
 * Nodes a read just failed on (unreachable, or no answer within the preferred attempt's bound) are [NodeHealth.markDown]
 * for [NodeHealth.downFor]: the rule then skips them while another node of the allowed role(s) is not down. That is
 * what makes PRIMARY_PREFERRED and REPLICA_PREFERRED fall back, and keeps a dead replica from taking every other read
 * of a round robin until the topology drops it.
 */
internal object ReadRoute {
    /** [choose]'s answer when the rule needs a replica and there is none. */
    const val NO_REPLICA: Int = -2

    /** [choose]'s answer for the primary (master). */
    const val PRIMARY: Int = -1

    /**
     * The node for one read: [PRIMARY], an index into [replicas], or [NO_REPLICA] (only for [ReadFrom.REPLICA]).
     * [next] gives a round-robin index below its argument. No allocation.
     */
    fun choose(readFrom: ReadFrom, primary: String, replicas: List<String>, health: NodeHealth, next: (Int) -> Int): Int {
        val n = replicas.size
        return when (readFrom) {
            ReadFrom.PRIMARY -> PRIMARY
            ReadFrom.PRIMARY_PREFERRED ->
                if (n == 0 || !health.isDown(primary)) PRIMARY else liveReplica(replicas, health, next).let { if (it < 0) PRIMARY else it }
            ReadFrom.REPLICA -> if (n == 0) NO_REPLICA else liveReplica(replicas, health, next).let { if (it < 0) next(n) else it }
            ReadFrom.REPLICA_PREFERRED -> if (n == 0) PRIMARY else liveReplica(replicas, health, next).let { if (it < 0) PRIMARY else it }
            ReadFrom.ANY -> {
                val start = next(n + 1)
                for (k in 0..n) {
                    val i = (start + k) % (n + 1) - 1 // -1 = the primary
                    if (!health.isDown(if (i < 0) primary else replicas[i])) return i
                }
                PRIMARY
            }
        }
    }

    /** True when a read under [readFrom] has another node to fall back on if the chosen one fails. */
    fun hasFallback(readFrom: ReadFrom, replicas: Int): Boolean = when (readFrom) {
        ReadFrom.PRIMARY -> false
        ReadFrom.REPLICA -> replicas > 1
        else -> replicas > 0
    }

    /**
     * One attempt of a read that has a fallback: [command] on [pool], given at most [boundMillis] (half of
     * commandTimeout), else [NoAnswerInBound]. Cancelling the attempt follows the pool's rules (a written command's
     * reply is read and dropped; the shared connection stays usable).
     */
    suspend fun <R> sendBounded(pool: RedisPool, command: Command<R>, boundMillis: Long): R =
        (withTimeoutOrNull(boundMillis) { Answer(pool.send(command)) } ?: throw NoAnswerInBound).value

    private class Answer<R>(val value: R)

    /** A bounded read got no answer in time (its own bound, not the caller's cancellation); caught by the router. */
    object NoAnswerInBound : Exception("no answer within half of commandTimeout", null, false, false) {
        private fun readResolve(): Any = NoAnswerInBound
    }

    /** A replica that is not down, round robin from [next]; -1 when every one is down. */
    private fun liveReplica(replicas: List<String>, health: NodeHealth, next: (Int) -> Int): Int {
        val n = replicas.size
        val start = next(n)
        for (k in 0 until n) {
            val i = (start + k) % n
            if (!health.isDown(replicas[i])) return i
        }
        return -1
    }
}

/**
 * Nodes reads recently failed on, each until [downFor] after its failure (a guess, not a verdict: once it expires
 * the node gets reads again, and fails one more if it is still down). Thread-safe.
 */
internal class NodeHealth(val downFor: Duration = DEFAULT_DOWN_FOR, private val nanoTime: () -> Long = System::nanoTime) {
    private val downUntil = ConcurrentHashMap<String, Long>()

    fun markDown(node: String) {
        downUntil[node] = nanoTime() + downFor.inWholeNanoseconds
    }

    fun markUp(node: String) {
        downUntil.remove(node)
    }

    fun isDown(node: String): Boolean {
        if (downUntil.isEmpty()) return false // the common case: nothing failed lately
        val until = downUntil[node] ?: return false
        if (nanoTime() - until < 0) return true
        downUntil.remove(node, until)
        return false
    }

    companion object {
        val DEFAULT_DOWN_FOR: Duration = 1.seconds
    }
}
