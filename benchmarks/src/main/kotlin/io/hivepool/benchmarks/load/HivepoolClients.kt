package io.hivepool.benchmarks.load

/**
 * Hivepool's own clients (DESIGN §5), registered in [Clients] next to the peer clients:
 *
 * - `hivepool-lease`: lease-per-command: each caller `pool.use { conn -> conn.get(key) }`.
 * - `hivepool-pool`: pool-level command: each caller `redisPool.get(key)`, the pool leasing internally.
 * - `hivepool-pipeline`: one lease per batch of pipelined commands (compare with `redis-benchmark-set-P16`).
 *
 * They arrive with the Redis module's `RedisPool`; each will be a [SuspendingClient] (C coroutines on
 * a pool of P connections). Until then this map is empty and `--clients all` runs the peer clients only.
 */
object HivepoolClients {
    /** Client name → factory; filled in when `RedisPool` exists. */
    val factories: Map<String, ClientFactory> = emptyMap()

    /** The names reserved for them, so `--clients hivepool-lease` says why it cannot run yet. */
    val planned: List<String> = listOf("hivepool-lease", "hivepool-pool", "hivepool-pipeline")
}
