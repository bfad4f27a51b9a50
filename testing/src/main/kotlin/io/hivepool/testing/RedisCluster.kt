package io.hivepool.testing

import io.hivepool.testing.internal.ClusterNodesView
import io.hivepool.testing.internal.RespClient
import io.hivepool.testing.internal.awaitUntil
import io.hivepool.testing.internal.parallel
import io.hivepool.testing.internal.quick
import io.hivepool.testing.internal.requireLocal
import java.util.concurrent.Callable

/**
 * A real Redis Cluster for tests: [RedisClusterOptions.primaries] primaries with
 * [RedisClusterOptions.replicasPerPrimary] replicas each, every node a [RedisServer] in cluster mode on its own
 * free loopback port (so each has the same stop/restart/pause/resume/kill controls). Slots are split in equal
 * contiguous ranges with `CLUSTER ADDSLOTS`, nodes joined with `CLUSTER MEET`, replicas attached with
 * `CLUSTER REPLICATE`; [start] returns once every node reports `cluster_state:ok` and they all agree on the
 * slot map. Works with any redis-server from 3.0 on, including the embedded 6.2 binary (no `ADDSLOTSRANGE` or
 * `CLUSTER SHARDS` needed). Nodes must be processes the fixture starts: a `REDIS_URL` server or a container
 * cannot form a loopback cluster, and no password is set.
 *
 * All methods block. Close the cluster when done (a JVM shutdown hook is the backstop).
 */
public class RedisCluster private constructor(
    /** Every node, primaries first (in slot order), then the replicas of the first primary, of the second, … */
    public val nodes: List<RedisServer>,
    private val options: RedisClusterOptions,
) : AutoCloseable {

    /** `redis://127.0.0.1:<port>` of every node, to seed a cluster client with. */
    public val seeds: List<String> get() = nodes.map { it.uri }

    /** The servers' `redis_version`. */
    public val version: String get() = nodes.first().version

    /** The `cluster-node-timeout` the nodes run with, in milliseconds. */
    public val nodeTimeoutMillis: Long get() = options.nodeTimeoutMillis

    private val ids: Map<RedisServer, String> = nodes.associateWith { it.command("CLUSTER", "MYID") }

    /** The node's cluster id (`CLUSTER MYID`); it survives [RedisServer.restart]. */
    public fun nodeId(node: RedisServer): String = ids[node] ?: throw IllegalArgumentException("$node is not a node of this cluster")

    /** The primaries serving slots now, as a reachable node sees it. */
    public fun primaries(): List<RedisServer> = view().entries.filter { it.isPrimary && !it.isFailed && it.slots.isNotEmpty() }.map { node(it.id) }

    /** The replicas of [primary] now, as a reachable node sees it. */
    public fun replicasOf(primary: RedisServer): List<RedisServer> {
        val id = nodeId(primary)
        return view().entries.filter { it.masterId == id && !it.isFailed }.map { node(it.id) }
    }

    /** The primary serving [slot] now, as a reachable node sees it. */
    public fun ownerOf(slot: Int): RedisServer {
        require(slot in 0 until SLOTS) { "slot must be in 0..${SLOTS - 1}, was $slot" }
        val entry = view().ownerOf(slot) ?: throw IllegalStateException("no live primary serves slot $slot")
        return node(entry.id)
    }

    /** The primary serving [key] now. */
    public fun ownerOf(key: String): RedisServer = ownerOf(slotOf(key))

    /** The hash slot of [key] (`CLUSTER KEYSLOT`, asked of a reachable node). */
    public fun slotOf(key: String): Int = withAnyNode { it.callOk("CLUSTER", "KEYSLOT", key).render().toInt() }

    /**
     * Starts moving [slot] to [target]: `SETSLOT IMPORTING` on the target, then `SETSLOT MIGRATING` on the owner.
     * From now on the owner answers `-ASK` for keys of the slot it no longer has. Returns the owner.
     */
    public fun beginSlotMigration(slot: Int, target: RedisServer): RedisServer {
        val source = ownerOf(slot)
        require(source != target) { "slot $slot is already served by $target" }
        target.command("CLUSTER", "SETSLOT", slot.toString(), "IMPORTING", nodeId(source))
        source.command("CLUSTER", "SETSLOT", slot.toString(), "MIGRATING", nodeId(target))
        return source
    }

    /** Moves up to [batch] keys of [slot] from [source] to [target] with `MIGRATE`; returns how many it moved. */
    public fun migrateKeys(slot: Int, source: RedisServer, target: RedisServer, batch: Int = 100): Int {
        val keys = source.command("CLUSTER", "GETKEYSINSLOT", slot.toString(), batch.toString()).lines().filter { it.isNotEmpty() }
        if (keys.isEmpty()) return 0
        source.command("MIGRATE", target.host, target.port.toString(), "", "0", "5000", "KEYS", *keys.toTypedArray())
        return keys.size
    }

    /**
     * Ends a migration begun with [beginSlotMigration]: moves the keys still left, then `SETSLOT NODE` on the
     * target, the source and every other primary, and waits until all nodes agree.
     */
    public fun finishSlotMigration(slot: Int, source: RedisServer, target: RedisServer) {
        while (migrateKeys(slot, source, target) > 0) Unit
        val targetId = nodeId(target)
        target.command("CLUSTER", "SETSLOT", slot.toString(), "NODE", targetId)
        source.command("CLUSTER", "SETSLOT", slot.toString(), "NODE", targetId)
        for (p in primaries()) if (p != source && p != target) p.command("CLUSTER", "SETSLOT", slot.toString(), "NODE", targetId)
        awaitHealthy()
    }

    /** Moves [slot] (and its keys) to [target] in one go; see [beginSlotMigration] for a step-by-step move. */
    public fun migrateSlot(slot: Int, target: RedisServer) {
        val source = beginSlotMigration(slot, target)
        finishSlotMigration(slot, source, target)
    }

    /** Promotes [replica] with `CLUSTER FAILOVER` (its primary agrees, no data lost) and waits until all agree. */
    public fun failover(replica: RedisServer) {
        replica.command("CLUSTER", "FAILOVER")
        awaitUntil(options.startTimeoutMillis, { "$replica did not become a primary" }) { reachableView(replica)?.myself?.isPrimary == true }
        awaitHealthy()
    }

    /**
     * Waits until every reachable node reports `cluster_state:ok`, agrees with the others on the slot map, the
     * roles and the failed nodes, and every reachable replica is in sync with its primary. Nodes that refuse
     * connections (stopped, killed) are left out; a paused node counts as unreachable after 500 ms.
     *
     * @throws IllegalStateException when that does not happen within [timeoutMillis]
     */
    @JvmOverloads
    public fun awaitHealthy(timeoutMillis: Long = options.startTimeoutMillis) {
        var last = "no node answered"
        awaitUntil(timeoutMillis, { "cluster not healthy after $timeoutMillis ms: $last" }) {
            val views = nodes.mapNotNull { n -> reachableView(n)?.let { n to it } }
            val problem = when {
                views.isEmpty() -> "no node answered"
                views.any { it.second.settling } -> "nodes still meeting"
                views.map { it.second.signature() }.distinct().size > 1 -> "nodes disagree on the slot map"
                else -> views.firstNotNullOfOrNull { (n, v) -> nodeProblem(n, v) }
            }
            last = problem ?: ""
            problem == null
        }
    }

    private fun nodeProblem(node: RedisServer, view: ClusterNodesView): String? {
        val problem = quick(node) { client ->
            val info = client.callOk("CLUSTER", "INFO").render()
            if (!info.contains("cluster_state:ok")) return@quick "$node: cluster_state is not ok"
            if (view.myself.isPrimary) return@quick ""
            val replication = client.callOk("INFO", "replication").render()
            if (!replication.contains("master_link_status:up")) "$node: replica not in sync with its primary" else ""
        } ?: "$node stopped answering"
        return problem.ifEmpty { null }
    }

    private fun view(): ClusterNodesView =
        nodes.firstNotNullOfOrNull { reachableView(it) } ?: throw IllegalStateException("no node of the cluster answers")

    private fun reachableView(node: RedisServer): ClusterNodesView? =
        quick(node) { ClusterNodesView.parse(it.callOk("CLUSTER", "NODES").render()) }

    private fun <T> withAnyNode(block: (RespClient) -> T): T =
        nodes.firstNotNullOfOrNull { quick(it, block) } ?: throw IllegalStateException("no node of the cluster answers")

    private fun node(id: String): RedisServer =
        ids.entries.firstOrNull { it.value == id }?.key ?: throw IllegalStateException("node $id is not one this fixture started")

    /** Stops every node (in parallel) and deletes their dirs. Idempotent. */
    override fun close() {
        parallel(nodes.map { n -> Callable { n.close() } })
    }

    override fun toString(): String =
        "RedisCluster(${options.primaries} primaries x ${options.replicasPerPrimary} replicas, ports ${nodes.map { it.port }}, version $version)"

    /** Entry point: [start]. */
    public companion object {
        /** Number of hash slots in a Redis Cluster. */
        public const val SLOTS: Int = 16384

        /**
         * Starts the nodes (in parallel), forms the cluster and waits until it is healthy ([awaitHealthy]).
         *
         * @throws RedisServerUnavailableException when no redis-server could be started
         * @throws IllegalStateException when the cluster did not form within the start timeout
         */
        @JvmSynthetic
        public fun start(configure: RedisClusterOptions.() -> Unit = {}): RedisCluster = start(RedisClusterOptions().apply(configure))

        /** Java: `RedisCluster.start(options)`, with options made by `new RedisClusterOptions()` and its setters. */
        @JvmStatic
        public fun start(options: RedisClusterOptions): RedisCluster {
            options.validate()
            val count = options.primaries * (1 + options.replicasPerPrimary)
            val nodes = parallel(List(count) { Callable { startNode(options) } })
            try {
                form(nodes, options)
                return RedisCluster(nodes, options).also { it.awaitHealthy() }
            } catch (e: Throwable) {
                parallel(nodes.map { n -> Callable { n.close() } })
                throw e
            }
        }

        private fun startNode(options: RedisClusterOptions): RedisServer {
            val server = RedisServer.start {
                extraArgs += listOf("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
                extraArgs += listOf("--cluster-node-timeout", options.nodeTimeoutMillis.toString())
                // a replica may always take over, however long ago it last heard from its primary
                extraArgs += listOf("--cluster-replica-validity-factor", "0")
                extraArgs += options.extraArgs
                startTimeoutMillis = options.startTimeoutMillis
                executable = options.executable
            }
            return requireLocal(server, "a cluster")
        }

        private fun form(nodes: List<RedisServer>, options: RedisClusterOptions) {
            // Distinct config epochs before the nodes meet spare the cluster its epoch-collision round.
            nodes.forEachIndexed { i, n -> n.command("CLUSTER", "SET-CONFIG-EPOCH", (i + 1).toString()) }
            val primaries = nodes.take(options.primaries)
            primaries.forEachIndexed { i, p ->
                val from = SLOTS * i / options.primaries
                val to = SLOTS * (i + 1) / options.primaries
                p.command("CLUSTER", "ADDSLOTS", *(from until to).map { it.toString() }.toTypedArray())
            }
            val first = nodes.first()
            for (n in nodes.drop(1)) first.command("CLUSTER", "MEET", n.host, n.port.toString())
            awaitUntil(options.startTimeoutMillis, { "the nodes did not all meet within ${options.startTimeoutMillis} ms" }) {
                nodes.all { n ->
                    val view = ClusterNodesView.parse(n.command("CLUSTER", "NODES"))
                    view.entries.size == nodes.size && !view.settling
                }
            }
            val replicas = nodes.drop(options.primaries)
            replicas.forEachIndexed { i, r ->
                val primaryId = primaries[i / options.replicasPerPrimary].command("CLUSTER", "MYID")
                r.command("CLUSTER", "REPLICATE", primaryId)
            }
        }

    }
}
