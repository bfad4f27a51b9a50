package io.hivepool.benchmarks.load

import io.hivepool.testing.RedisCluster
import io.hivepool.testing.RedisServer
import java.net.URI
import java.net.URLDecoder

/**
 * The Redis under test: `REDIS_URL` when it is set, else a fresh server started for this run by the testing
 * fixture ([RedisServer.start]: `$REDIS_SERVER` or `redis-server` on PATH, then embedded-redis), stopped by
 * [close]. An external server is left running.
 *
 * With `--target cluster` ([resolveCluster]) it is a Redis Cluster: [seeds] are its nodes (`REDIS_CLUSTER_URL`, a
 * comma list, or a 3-primary cluster started by the [RedisCluster] fixture), [uri] the first of them.
 */
class RedisTarget private constructor(
    /** `redis://[user:password@]host:port` (a cluster's first seed) */
    val uri: String,
    /** Where the server came from, for the log (the fixture's [RedisServer.source] and version). */
    val source: String,
    private val owned: AutoCloseable?,
    /** True for a Redis Cluster: only the cluster clients can run against it. */
    val isCluster: Boolean = false,
    /** Every node to start from: the cluster's seeds, or [uri] alone. */
    val seeds: List<String> = listOf(uri),
) : AutoCloseable {
    val javaUri: URI = URI.create(uri)
    val host: String = javaUri.host
    val port: Int = if (javaUri.port > 0) javaUri.port else 6379
    private val userInfo = javaUri.rawUserInfo?.split(':', limit = 2)?.map { URLDecoder.decode(it, Charsets.UTF_8) }

    /** The ACL user from the URI, or null for the default user. */
    val user: String? = userInfo?.takeIf { it.size == 2 }?.get(0)?.ifEmpty { null }

    /** The password from the URI, or null. */
    val password: String? = userInfo?.last()?.ifEmpty { null }

    override fun close() {
        owned?.close()
    }

    companion object {
        /** Resolves the server for `--target` [kind] (`single` or `cluster`). Blocking. */
        fun resolve(kind: TargetKind): RedisTarget = if (kind == TargetKind.CLUSTER) resolveCluster() else resolve()

        /**
         * A Redis Cluster: `REDIS_CLUSTER_URL` (comma-separated seeds) when set, else 3 primaries without replicas
         * started by the testing fixture for this run. Blocking.
         */
        fun resolveCluster(): RedisTarget {
            System.getenv("REDIS_CLUSTER_URL")?.takeIf { it.isNotBlank() }?.let { env ->
                val seeds = env.split(',').map { it.trim() }.filter { it.isNotEmpty() }
                    .map { if (it.contains("://")) it else "redis://$it" }
                return RedisTarget(seeds.first(), "REDIS_CLUSTER_URL", owned = null, isCluster = true, seeds = seeds)
            }
            return ofCluster(RedisCluster.start { primaries = 3; replicasPerPrimary = 0 }, owned = true)
        }

        /** A target on [cluster]; closed with the target when [owned]. */
        fun ofCluster(cluster: RedisCluster, owned: Boolean): RedisTarget {
            val seeds = cluster.primaries().map { it.uri }
            val source = "${cluster.nodes.first().source}, Redis ${cluster.version}, cluster of ${seeds.size} primaries"
            return RedisTarget(seeds.first(), source, owned = if (owned) cluster else null, isCluster = true, seeds = seeds)
        }

        /** Resolves the server: `REDIS_URL`, else starts one. Blocking. */
        fun resolve(): RedisTarget {
            val server = RedisServer.start()
            return RedisTarget(server.uri, "${server.source}, Redis ${server.version}", owned = server)
        }
    }
}

/** `--target`: one server, or a Redis Cluster. */
enum class TargetKind {
    SINGLE,
    CLUSTER,
}
