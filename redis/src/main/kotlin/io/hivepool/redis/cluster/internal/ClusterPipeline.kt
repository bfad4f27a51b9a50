package io.hivepool.redis.cluster.internal

import io.hivepool.redis.Command
import io.hivepool.redis.RedisCommands
import io.hivepool.redis.RedisPipeline
import io.hivepool.redis.RedisServerException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope

/**
 * A pipeline over the cluster: records commands like a single-server pipeline, then groups them by the primary
 * of their slot and runs one node pipeline per node, all at once; replies are put back in the order queued.
 * A command answered with a redirect (or TRYAGAIN/CLUSTERDOWN), or whose node could not be reached, is sent again
 * on its own through the cluster's [Dispatcher], which follows the redirect as for any command. Keyless commands
 * go with the first primary's group. Commands after a block's first reply go straight to the cluster.
 */
internal class ClusterPipeline(private val cluster: RealRedisClusterPool, private val dispatcher: Dispatcher) : RedisPipeline {
    private class Entry<R>(val command: Command<R>, val name: String, val slot: Int, val read: Boolean) {
        val outcome = CompletableDeferred<R>()

        @Suppress("UNCHECKED_CAST")
        fun complete(result: Any?) {
            if (result is Throwable) outcome.completeExceptionally(result) else outcome.complete(result as R)
        }
    }

    private val job = SupervisorJob()
    private val scope = CoroutineScope(Dispatchers.Unconfined + job)
    private val lock = Any()
    private val recorded = ArrayList<Entry<*>>() // guarded by lock
    private var sealed = false // guarded by lock

    override fun <R> queue(block: suspend RedisCommands.() -> R): Deferred<R> =
        scope.async(start = CoroutineStart.UNDISPATCHED) { block(this@ClusterPipeline) }

    override suspend fun <R> send(command: Command<R>): R {
        val name = KeyPositions.name(command.args)
        val entry = synchronized(lock) {
            if (sealed) {
                null
            } else {
                // a CROSSSLOT command fails here, in its queue block, and takes no place in the flush
                Entry(command, name, cluster.slotOf(name, command.args), dispatcher.isRead(name, command.args)).also { recorded += it }
            }
        }
        return if (entry != null) entry.outcome.await() else cluster.send(command)
    }

    @OptIn(ExperimentalCoroutinesApi::class) // getCompleted(): every outcome is complete once the job has joined
    suspend fun run(block: RedisPipeline.() -> Unit): List<Any?> {
        block()
        val entries = synchronized(lock) {
            sealed = true
            recorded.toList()
        }
        try {
            if (entries.isNotEmpty()) flush(entries)
        } catch (e: Throwable) {
            entries.forEach { it.outcome.completeExceptionally(e) }
            if (e is CancellationException) job.cancel()
            throw e
        }
        job.complete()
        job.join()
        return entries.map { e -> e.outcome.getCompletionExceptionOrNull() ?: e.outcome.getCompleted() }
    }

    private suspend fun flush(entries: List<Entry<*>>) {
        cluster.ensureTopology()
        val topology = cluster.topology
        val firstPrimary = topology.shards.firstOrNull()?.primary
        val (reads, writes) = entries.partition { it.read }
        val groups = writes.groupBy { e -> (if (e.slot < 0) null else topology.owner(e.slot)?.primary) ?: firstPrimary }
        coroutineScope {
            // reads for replicas (readFrom) each go through the dispatcher, which picks the replica
            val single = reads.map { e -> async { e.complete(retried(e, NO_NODE)) } }
            single + groups.map { (node, group) ->
                async {
                    val results: List<Any?> = if (node == null) {
                        List(group.size) { NO_NODE }
                    } else {
                        try {
                            cluster.pools.primary(node).pipeline { group.forEach { e -> queue { send(e.command) } } }
                        } catch (e: CancellationException) {
                            throw e
                        } catch (e: Exception) {
                            List(group.size) { NO_NODE } // unreachable: each command goes again through the dispatcher
                        }
                    }
                    group.forEachIndexed { i, e -> e.complete(retried(e, results[i])) }
                }
            }.awaitAll()
        }
    }

    /** The reply; for a redirect, a retryable error or an unreachable node, the outcome of sending it again alone. */
    private suspend fun retried(e: Entry<*>, result: Any?): Any? {
        val again = result === NO_NODE || (result is RedisServerException && result.code in RETRIED)
        if (!again) return result
        return try {
            dispatcher.dispatch(e.command, e.slot, e.read)
        } catch (ce: CancellationException) {
            throw ce
        } catch (t: Throwable) {
            t
        }
    }

    private companion object {
        val RETRIED = setOf("MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN", "LOADING")
        val NO_NODE = Any()
    }
}
