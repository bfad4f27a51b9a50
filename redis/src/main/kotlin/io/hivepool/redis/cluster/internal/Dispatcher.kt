package io.hivepool.redis.cluster.internal

import io.hivepool.pool.ConnectionCreateException
import io.hivepool.pool.PoolClosedException
import io.hivepool.redis.Command
import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisPool
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RedisTimeoutException
import io.hivepool.redis.cluster.ReadFrom
import io.hivepool.redis.cluster.RedisClusterException
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout

/**
 * Runs one command on the cluster: picks the node from the slot map, follows MOVED and ASK, and retries
 * TRYAGAIN / CLUSTERDOWN / LOADING replies and unreachable nodes with backoff until the command's deadline.
 *
 * The first attempt arms no timer (the connection's watchdog bounds it, as for any pool-level command); only
 * retries run under a timeout, of the time left, so no caller is held past commandTimeout (+ block time) from
 * its first attempt by the retrying. Cancellation is never retried: it propagates from whatever attempt runs.
 *
 * A read that has a node of another role to fall back on ([ReadRoute.hasFallback]: PRIMARY_PREFERRED,
 * REPLICA_PREFERRED, ANY, REPLICA with several replicas) is the exception: each attempt is bounded by half of
 * commandTimeout, and a node that does not answer within it (a paused or overloaded node), or cannot be reached, is
 * marked down in [health] and the read goes to the other role within the rest of the deadline. Reads are safe to
 * send twice.
 */
internal class Dispatcher(private val cluster: RealRedisClusterPool) {
    private val config = cluster.config
    private val commandTimeoutNanos = config.node.connection.commandTimeout.inWholeNanoseconds
    private val preferredBoundMillis = maxOf(1L, config.node.connection.commandTimeout.inWholeMilliseconds / 2)
    private val health = NodeHealth()

    fun isRead(name: String, args: List<Any>): Boolean = config.readFrom != ReadFrom.PRIMARY && KeyPositions.isReadOnly(name, args)

    suspend fun <R> dispatch(command: Command<R>, slot: Int, read: Boolean): R {
        cluster.ensureTopology()
        val started = System.nanoTime()
        val budget = if (command.blockFor.isInfinite()) Long.MAX_VALUE else commandTimeoutNanos + command.blockFor.inWholeNanoseconds
        var redirects = 0
        var failures = 0
        var ask: String? = null
        while (true) {
            val asked = ask
            val route = if (asked != null) Route(asked, toReplica = false, bounded = false) else pick(slot, read)
            val target = route.node
            val pool = if (route.toReplica) cluster.pools.replica(target) else cluster.pools.primary(target)
            try {
                val asking = asked != null
                ask = null
                return if (failures == 0 && redirects == 0) {
                    if (route.bounded) bounded(pool, command) else attempt(pool, command, asking)
                } else {
                    withinDeadline(started, budget) { if (route.bounded) bounded(pool, command) else attempt(pool, command, asking) }
                }
            } catch (e: ReadRoute.NoAnswerInBound) {
                // a read with a fallback: the node may be paused; try the other role with what is left of the deadline
                health.markDown(target)
                cluster.topology.suspect(target)
                cluster.requestRefresh()
                failures++
            } catch (e: RedisServerException) {
                when (e.code) {
                    "MOVED", "ASK" -> {
                        val redirect = Redirect.parse(e.message.orEmpty(), ClusterSlots.split(target).first) ?: throw e
                        if (++redirects > config.maxRedirects) {
                            throw RedisClusterException(
                                "${command.name} was redirected more than maxRedirects (${config.maxRedirects}) times; last: ${e.message}",
                                e,
                            )
                        }
                        if (e.code == "MOVED") {
                            cluster.topology.moved(redirect.slot, redirect.node)
                            cluster.requestRefresh()
                        } else {
                            ask = redirect.node
                        }
                    }
                    "TRYAGAIN", "CLUSTERDOWN", "LOADING" -> {
                        if (e.code == "CLUSTERDOWN") cluster.requestRefresh()
                        backoff(started, budget, ++failures, e)
                    }
                    else -> throw e
                }
            } catch (e: RedisTimeoutException) {
                // the command may have run; a paused node would hold every retry as long again
                cluster.topology.suspect(target)
                cluster.requestRefresh()
                if (!route.bounded) throw e
                health.markDown(target) // a read with a fallback: safe to send again, elsewhere
                failures++
            } catch (e: RedisConnectionException) {
                unreachable(target, started, budget, ++failures, e)
            } catch (e: ConnectionCreateException) {
                unreachable(target, started, budget, ++failures, e)
            } catch (e: PoolClosedException) {
                if (cluster.closed) throw e
                unreachable(target, started, budget, ++failures, e) // the node left the topology under us
            } catch (e: NoOwnerException) {
                cluster.requestRefresh()
                backoff(started, budget, ++failures, RedisClusterException(e.message!!))
            }
        }
    }

    private suspend fun unreachable(node: String, started: Long, budget: Long, failures: Int, e: Exception) {
        health.markDown(node)
        cluster.topology.suspect(node)
        cluster.requestRefresh()
        backoff(started, budget, failures, e)
    }

    /** Where one attempt goes: [node], through its replica (READONLY) pool or not, [bounded] for a read with a fallback. */
    private class Route(val node: String, val toReplica: Boolean, val bounded: Boolean)

    /** The node for this attempt; keyless commands go round robin to primaries, reads as [ReadRoute] says. */
    private fun pick(slot: Int, read: Boolean): Route {
        val topology = cluster.topology
        if (slot < 0) {
            val shards = topology.shards
            if (shards.isEmpty()) throw NoOwnerException("no primary is known in cluster ${config.name}")
            return Route(shards[topology.nextIndex(shards.size)].primary, toReplica = false, bounded = false)
        }
        val shard = topology.owner(slot) ?: throw NoOwnerException("no node serves slot $slot in cluster ${config.name}")
        if (!read) return Route(shard.primary, toReplica = false, bounded = false)
        val replicas = shard.replicas
        val bounded = ReadRoute.hasFallback(config.readFrom, replicas.size)
        return when (val i = ReadRoute.choose(config.readFrom, shard.primary, replicas, health, topology::nextIndex)) {
            ReadRoute.PRIMARY -> Route(shard.primary, toReplica = false, bounded)
            ReadRoute.NO_REPLICA -> {
                // Redis 7 leaves a replica out of CLUSTER SLOTS until it is known to have replicated something
                cluster.requestRefresh()
                throw RedisClusterException("readFrom = REPLICA, but slot $slot (primary ${shard.primary}) has no replica")
            }
            else -> Route(replicas[i], toReplica = true, bounded)
        }
    }

    private suspend fun <R> bounded(pool: RedisPool, command: Command<R>): R = ReadRoute.sendBounded(pool, command, preferredBoundMillis)

    @Suppress("UNCHECKED_CAST")
    private suspend fun <R> attempt(pool: RedisPool, command: Command<R>, asking: Boolean): R {
        if (!asking) return pool.send(command)
        // ASKING and the command must reach the same connection back to back: one pipeline (on a lease, as
        // ASKING may not share a connection) writes both in one flush.
        val replies = pool.pipeline {
            queue { send(ASKING) }
            queue { send(command) }
        }
        (replies[1] as? Throwable)?.let { throw it }
        (replies[0] as? Throwable)?.let { throw it }
        return replies[1] as R
    }

    private suspend fun <R> withinDeadline(started: Long, budget: Long, block: suspend () -> R): R {
        if (budget == Long.MAX_VALUE) return block()
        val left = budget - (System.nanoTime() - started)
        if (left <= 0) throw RedisTimeoutException("no answer within the command's deadline")
        return try {
            withTimeout(left / 1_000_000 + 1) { block() }
        } catch (e: TimeoutCancellationException) {
            throw RedisTimeoutException("no answer within the command's deadline (commandTimeout) while retrying", e)
        }
    }

    /** Waits before the next attempt (10 ms, doubling, at most 100 ms); throws [e] when the deadline would pass. */
    private suspend fun backoff(started: Long, budget: Long, failures: Int, e: Exception) {
        val pause = minOf(BASE_BACKOFF_MS shl minOf(failures - 1, 4), MAX_BACKOFF_MS)
        val elapsed = System.nanoTime() - started
        if (budget != Long.MAX_VALUE && elapsed + pause * 1_000_000 >= budget) throw e
        delay(pause)
    }

    /** No node serves the slot (yet): retried like CLUSTERDOWN. */
    private class NoOwnerException(message: String) : Exception(message)

    private companion object {
        const val BASE_BACKOFF_MS = 10L
        const val MAX_BACKOFF_MS = 100L
        val ASKING = Command(listOf("ASKING")) { }
    }
}
