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
 */
internal class Dispatcher(private val cluster: RealRedisClusterPool) {
    private val config = cluster.config
    private val commandTimeoutNanos = config.node.connection.commandTimeout.inWholeNanoseconds

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
            val (target, toReplica) = if (asked != null) asked to false else pick(slot, read, failures)
            val pool = if (toReplica) cluster.pools.replica(target) else cluster.pools.primary(target)
            try {
                val asking = asked != null
                ask = null
                return if (failures == 0 && redirects == 0) {
                    attempt(pool, command, asking)
                } else {
                    withinDeadline(started, budget) { attempt(pool, command, asking) }
                }
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
                throw e
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
        cluster.topology.suspect(node)
        cluster.requestRefresh()
        backoff(started, budget, failures, e)
    }

    /** The node (and whether to use its replica pool) for this attempt; keyless commands go round robin to primaries. */
    private fun pick(slot: Int, read: Boolean, failures: Int): Pair<String, Boolean> {
        val topology = cluster.topology
        if (slot < 0) {
            val shards = topology.shards
            if (shards.isEmpty()) throw NoOwnerException("no primary is known in cluster ${config.name}")
            return shards[topology.nextIndex(shards.size)].primary to false
        }
        val shard = topology.owner(slot) ?: throw NoOwnerException("no node serves slot $slot in cluster ${config.name}")
        if (!read) return shard.primary to false
        val replicas = shard.replicas
        fun replica() = replicas[topology.nextIndex(replicas.size)] to true
        return when (config.readFrom) {
            ReadFrom.PRIMARY -> shard.primary to false
            ReadFrom.PRIMARY_PREFERRED -> if (failures > 0 && replicas.isNotEmpty()) replica() else shard.primary to false
            ReadFrom.REPLICA -> if (replicas.isNotEmpty()) {
                replica()
            } else {
                throw RedisClusterException("readFrom = REPLICA, but slot $slot (primary ${shard.primary}) has no replica")
            }
            ReadFrom.REPLICA_PREFERRED -> if (replicas.isNotEmpty()) replica() else shard.primary to false
            ReadFrom.ANY -> topology.nextIndex(replicas.size + 1).let { i -> if (i == 0) shard.primary to false else replicas[i - 1] to true }
        }
    }

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
