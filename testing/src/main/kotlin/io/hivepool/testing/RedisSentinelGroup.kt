package io.hivepool.testing

import io.hivepool.testing.internal.awaitUntil
import io.hivepool.testing.internal.deleteTree
import io.hivepool.testing.internal.parallel
import io.hivepool.testing.internal.quick
import io.hivepool.testing.internal.requireLocal
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.Callable

/**
 * How [RedisSentinelGroup.start] shapes the group. Read once, when the group starts.
 */
public class RedisSentinelOptions {
    /** The name the sentinels monitor the primary under. Default `mymaster`. */
    public var masterName: String = "mymaster"

    /** Replicas of the primary, >= 1 (a failover needs one). Default 1. */
    public var replicas: Int = 1

    /** Sentinels, >= 1; the quorum is a majority of them. Default 3. */
    public var sentinels: Int = 3

    /** `down-after-milliseconds`, >= 100: how long the primary may be unreachable before it is failed over. Default 1000. */
    public var downAfterMillis: Long = 1_000

    /** `failover-timeout` in milliseconds, >= 1000. Default 5000. */
    public var failoverTimeoutMillis: Long = 5_000

    /** How long to wait for the group to come up (replicas in sync, sentinels aware of each other), in milliseconds. */
    public var startTimeoutMillis: Long = 30_000

    @JvmSynthetic // internal members of a public class are public (mangled) to Java
    internal fun validate() {
        require(masterName.isNotBlank() && masterName.none { it.isWhitespace() }) { "masterName must be one word, was '$masterName'" }
        require(replicas >= 1) { "replicas must be >= 1, was $replicas" }
        require(sentinels >= 1) { "sentinels must be >= 1, was $sentinels" }
        require(downAfterMillis >= 100) { "downAfterMillis must be >= 100, was $downAfterMillis" }
        require(failoverTimeoutMillis >= 1000) { "failoverTimeoutMillis must be >= 1000, was $failoverTimeoutMillis" }
    }
}

/**
 * A real Sentinel-managed Redis for tests: a primary, [RedisSentinelOptions.replicas] replicas and
 * [RedisSentinelOptions.sentinels] sentinels (`redis-server <conf> --sentinel`), each a [RedisServer] on its own
 * loopback port with the usual stop/restart/pause/kill controls. [start] returns once the replicas are in sync and
 * every sentinel knows the replicas and the other sentinels. Works with the embedded 6.2 binary.
 *
 * All methods block. Close the group when done.
 */
public class RedisSentinelGroup private constructor(
    /** The data nodes: the initial primary first, then the replicas. Roles change on failover: see [primary]. */
    public val servers: List<RedisServer>,
    /** The sentinels. */
    public val sentinels: List<RedisServer>,
    private val options: RedisSentinelOptions,
    private val confDir: Path,
) : AutoCloseable {
    /** The name the primary is monitored under. */
    public val masterName: String get() = options.masterName

    /** `redis://127.0.0.1:<port>` of every sentinel. */
    public val sentinelUris: List<String> get() = sentinels.map { it.uri }

    /** The data node the sentinels name as primary now (`SENTINEL GET-MASTER-ADDR-BY-NAME`, asked of a reachable sentinel). */
    public fun primary(): RedisServer {
        val port = sentinels.firstNotNullOfOrNull { s ->
            quick(s) { it.callOk("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName).render().lines().getOrNull(1)?.toInt() }
        } ?: throw IllegalStateException("no sentinel names a primary for $masterName")
        return servers.firstOrNull { it.port == port } ?: throw IllegalStateException("sentinels name port $port, not a node of this group")
    }

    /**
     * Forces a failover (`SENTINEL FAILOVER`) and waits until the sentinels name another primary and it answers
     * ROLE as master. Returns the new primary.
     */
    public fun failover(): RedisServer {
        val old = primary()
        sentinels.first().command("SENTINEL", "FAILOVER", masterName)
        awaitUntil(options.startTimeoutMillis, { "no failover away from $old" }) {
            runCatching { primary() }.getOrNull()?.let { it != old && role(it) == "master" } == true
        }
        return primary()
    }

    /**
     * Waits until the named primary answers ROLE as master, every other reachable data node replicates it in
     * sync, and every reachable sentinel names that primary and knows the others.
     */
    @JvmOverloads
    public fun awaitHealthy(timeoutMillis: Long = options.startTimeoutMillis) {
        var last = ""
        awaitUntil(timeoutMillis, { "sentinel group not healthy after $timeoutMillis ms: $last" }) {
            last = problem() ?: return@awaitUntil true
            false
        }
    }

    private fun problem(): String? {
        val primary = runCatching { primary() }.getOrElse { return it.message }
        if (role(primary) != "master") return "$primary is named primary but is not master"
        for (node in servers) {
            if (node == primary) continue
            val replication = quick(node) { it.callOk("INFO", "replication").render() } ?: continue
            if (!replication.contains("master_port:${primary.port}") || !replication.contains("master_link_status:up")) {
                return "$node does not replicate $primary in sync"
            }
        }
        for (s in sentinels) {
            val info = quick(s) { it.callOk("SENTINEL", "MASTER", masterName).render().lines() } ?: continue
            fun field(name: String) = info.indexOf(name).takeIf { it >= 0 }?.let { info.getOrNull(it + 1) }
            if (field("port") != primary.port.toString()) return "$s still names port ${field("port")}"
            if (field("num-other-sentinels") != (sentinels.size - 1).toString()) return "$s does not know the other sentinels yet"
            val replicas = quick(s) { it.callOk("SENTINEL", "REPLICAS", masterName).render() } ?: continue
            val flags = replicaFlags(replicas)
            for (node in servers) {
                if (node == primary || quick(node) { _ -> true } != true) continue
                val f = flags[node.port] ?: return "$s does not list every replica yet"
                // a client reading from replicas skips those a sentinel flags down or cannot reach
                if (f.any { it == "s_down" || it == "o_down" || it == "disconnected" }) return "$s flags replica $node ${f.joinToString(",")}"
            }
        }
        return null
    }

    /** Port → flags of each replica in a rendered `SENTINEL REPLICAS` reply (field names and values, one per line). */
    private fun replicaFlags(rendered: String): Map<Int, List<String>> {
        val result = HashMap<Int, List<String>>()
        val lines = rendered.lines()
        var port: Int? = null
        var flags: List<String>? = null
        var i = 0
        while (i + 1 < lines.size) {
            when (lines[i]) {
                "name" -> { port = null; flags = null }
                "port" -> port = lines[i + 1].toIntOrNull()
                "flags" -> flags = lines[i + 1].split(',')
            }
            val p = port
            val f = flags
            if (p != null && f != null) result[p] = f
            i += 2
        }
        return result
    }

    private fun role(node: RedisServer): String? = quick(node) { it.callOk("ROLE").render().lines().firstOrNull() }

    /** Stops every process (in parallel) and deletes their dirs. Idempotent. */
    override fun close() {
        parallel((servers + sentinels).map { n -> Callable { n.close() } })
        deleteTree(confDir)
    }

    override fun toString(): String = "RedisSentinelGroup($masterName, data ports ${servers.map { it.port }}, sentinel ports ${sentinels.map { it.port }})"

    /** Entry point: [start]. */
    public companion object {
        /** Starts the group and waits until it is healthy ([awaitHealthy]). */
        @JvmSynthetic
        public fun start(configure: RedisSentinelOptions.() -> Unit = {}): RedisSentinelGroup = start(RedisSentinelOptions().apply(configure))

        /** Java: `RedisSentinelGroup.start(options)`. */
        @JvmStatic
        public fun start(options: RedisSentinelOptions): RedisSentinelGroup {
            options.validate()
            val confDir = Files.createTempDirectory("hivepool-sentinel-")
            val started = mutableListOf<RedisServer>()
            try {
                val primary = local(RedisServer.start { startTimeoutMillis = options.startTimeoutMillis }).also { started += it }
                val replicas = parallel(
                    List(options.replicas) {
                        Callable {
                            local(
                                RedisServer.start {
                                    extraArgs += listOf("--replicaof", primary.host, primary.port.toString())
                                    startTimeoutMillis = options.startTimeoutMillis
                                },
                            )
                        }
                    },
                ).also { started += it }
                // sentinels learn replicas from the primary's INFO, which they read every 10 s: list them first
                awaitUntil(options.startTimeoutMillis, { "the replicas did not connect to $primary" }) {
                    val info = primary.command("INFO", "replication")
                    info.contains("connected_slaves:${options.replicas}") &&
                        replicas.all { r -> r.command("INFO", "replication").contains("master_link_status:up") }
                }
                val sentinels = parallel(
                    List(options.sentinels) { i ->
                        Callable {
                            val conf = confDir.resolve("sentinel-$i.conf")
                            Files.writeString(conf, sentinelConf(options, primary))
                            local(
                                RedisServer.start {
                                    configFile = conf
                                    sentinel = true
                                    startTimeoutMillis = options.startTimeoutMillis
                                },
                            )
                        }
                    },
                ).also { started += it }
                return RedisSentinelGroup(listOf(primary) + replicas, sentinels, options, confDir).also { it.awaitHealthy() }
            } catch (e: Throwable) {
                parallel(started.map { n -> Callable { n.close() } })
                deleteTree(confDir)
                throw e
            }
        }

        private fun sentinelConf(options: RedisSentinelOptions, primary: RedisServer): String = buildString {
            val name = options.masterName
            val quorum = options.sentinels / 2 + 1
            appendLine("sentinel monitor $name ${primary.host} ${primary.port} $quorum")
            appendLine("sentinel down-after-milliseconds $name ${options.downAfterMillis}")
            appendLine("sentinel failover-timeout $name ${options.failoverTimeoutMillis}")
            appendLine("sentinel parallel-syncs $name 1")
        }

        private fun local(server: RedisServer): RedisServer = requireLocal(server, "a sentinel group")
    }
}
