package io.hivepool.benchmarks.load

import io.hivepool.redis.RedisPool
import io.hivepool.redis.get
import io.hivepool.redis.redisPool
import io.hivepool.redis.set

/**
 * Hivepool's own clients (DESIGN §5), registered in [Clients] next to the peer clients:
 *
 * - `hivepool-lease`: lease-per-command: each caller `pool.use { conn -> conn.get(key) }`.
 * - `hivepool-pool`: pool-level command: each caller `redisPool.get(key)`, multiplexed over the pool's shared
 *   connections (no lease per command).
 * - `hivepool-pipeline`: each caller `pool.pipeline { }` of [HivepoolPipelineClient.batch] queued SETs, the
 *   counterpart of `redis-benchmark-set-P16`; ops/s counts SETs.
 *
 * - `hivepool-java-lease`: the Java face, blocking: C platform threads each `pool.withConnection(c -> c.get(key)).join()`
 *   ([HivepoolJavaLeaseClient], written in Java against the public API).
 * - `hivepool-java-pool`: the Java face, asynchronous: C chains of futures, each issuing `pool.get(key)` when the
 *   previous one completed, no thread blocked ([HivepoolJavaPoolClient]).
 *
 * The first three are C coroutines on `Dispatchers.Default` ([SuspendingClient]) over one [RedisPool] of maxSize P.
 * The environment variable `HIVEPOOL_SHARED_CONNECTIONS=N` overrides the pool's number of shared connections
 * (default min(2, P)), for the pool-level and pipeline clients.
 */
object HivepoolClients {
    /** Client name → factory. */
    val factories: Map<String, ClientFactory> = linkedMapOf(
        "hivepool-lease" to ClientFactory { target, options -> HivepoolLeaseClient(target, options.poolSize) },
        "hivepool-pool" to ClientFactory { target, options -> HivepoolPoolClient(target, options.poolSize) },
        "hivepool-pipeline" to ClientFactory { target, options -> HivepoolPipelineClient(target, options.poolSize) },
        "hivepool-java-lease" to ClientFactory { target, options -> HivepoolJavaLeaseClient(target, options.poolSize) },
        "hivepool-java-pool" to ClientFactory { target, options -> HivepoolJavaPoolClient(target, options.poolSize) },
    )

    /** `$HIVEPOOL_SHARED_CONNECTIONS`, or null for the pool's default (Maven's `-D` does not reach exec:java's main). */
    @JvmStatic
    val sharedConnections: Int? = System.getenv("HIVEPOOL_SHARED_CONNECTIONS")?.trim()?.toIntOrNull()
        ?.also { System.err.println("HIVEPOOL_SHARED_CONNECTIONS=$it") }

    /** A [RedisPool] of [maxSize] connections to [target], [minIdle] of them opened up front. */
    internal fun pool(target: RedisTarget, maxSize: Int, minIdle: Int): RedisPool {
        val shared = sharedConnections // read here: inside the builder block the name means the builder's own property
        return redisPool {
            uri = target.uri
            this.maxSize = maxSize
            this.minIdle = minIdle
            name = "bench"
            shared?.let { sharedConnections = it.coerceIn(1, maxOf(1, maxSize - 1)) } // the pool keeps one for leases
        }
    }
}

/** Lease-per-command: every GET borrows a connection exclusively and returns it (as `jedis-pool` does). */
class HivepoolLeaseClient(target: RedisTarget, poolSize: Int) : SuspendingClient() {
    override val name: String = "hivepool-lease"
    override val connections: Int = poolSize
    private val pool = HivepoolClients.pool(target, poolSize, minIdle = poolSize)

    override suspend fun get(key: String): Any? = pool.use { it.get(key) }

    override fun close() = pool.close()
}

/** Pool-level command: every GET is `pool.get(key)`, auto-pipelined with the other callers' on a shared connection. */
class HivepoolPoolClient(target: RedisTarget, poolSize: Int) : SuspendingClient() {
    override val name: String = "hivepool-pool"
    private val pool = HivepoolClients.pool(target, poolSize, minIdle = 0)

    /** The shared connections that carry the traffic (the rest of maxSize stays unopened). */
    override val connections: Int = pool.config.sharedConnections

    override suspend fun get(key: String): Any? = pool.get(key)

    override fun close() = pool.close()
}

/**
 * Pipelines of [batch] SETs of 64-byte values on random keys of the keyspace: one caller's operation is one
 * `pool.pipeline { repeat(batch) { queue { set(k, v) } } }`. The result counts SETs (batches × [batch]); its
 * latencies are those of whole batches. `--ops N` means N SETs.
 */
class HivepoolPipelineClient(target: RedisTarget, poolSize: Int, val batch: Int = 16) : SuspendingClient() {
    override val name: String = "hivepool-pipeline"
    private val pool = HivepoolClients.pool(target, poolSize, minIdle = 0)
    override val connections: Int = pool.config.sharedConnections
    private var keyspace: Keyspace? = null
    private var value: String = ""

    override fun run(load: Load): RunResult {
        keyspace = load.keyspace
        value = "v".repeat(load.keyspace.valueSize)
        val batches = load.ops?.let { maxOf(1L, it / batch) }
        val result = super.run(load.copy(ops = batches))
        return result.copy(opsPerSecond = result.opsPerSecond * batch)
    }

    override suspend fun get(key: String): Any? {
        val keys = keyspace!!
        val v = value
        return pool.pipeline {
            queue { set(key, v) }
            repeat(batch - 1) { queue { set(keys.randomKey(), v) } }
        }
    }

    override fun close() = pool.close()
}
