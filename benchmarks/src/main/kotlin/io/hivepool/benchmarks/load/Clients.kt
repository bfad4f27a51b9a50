package io.hivepool.benchmarks.load

/**
 * Every client the load generator knows, by the name used in `--clients` and in the JSON line: [factories] for one
 * server (`--target single`), [ClusterClients.factories] for a Redis Cluster (`--target cluster`).
 */
object Clients {
    val factories: Map<String, ClientFactory> = linkedMapOf<String, ClientFactory>().apply {
        putAll(HivepoolClients.factories)
        put("lettuce-shared", ClientFactory { target, _ -> LettuceSharedClient(target) })
        put("jedis-pool", ClientFactory { target, options -> JedisPoolClient(target, options.poolSize) })
        put("lettuce-commons-pool2", ClientFactory { target, options -> LettuceCommonsPoolClient(target, options.poolSize) })
        put("redis-benchmark", ClientFactory { target, _ -> RedisBenchmarkClient(target) })
        put("redis-benchmark-set-P16", ClientFactory { target, _ -> RedisBenchmarkClient(target, pipeline = 16) })
    }

    /** Resolves `--clients` (`all` or a comma list) to the factories of [target]'s clients, in the order given. */
    fun select(names: List<String>, target: TargetKind = TargetKind.SINGLE): Map<String, ClientFactory> {
        val known = if (target == TargetKind.CLUSTER) ClusterClients.factories else factories
        if (names == listOf("all")) return known
        return names.associateWith { name ->
            known[name] ?: throw IllegalArgumentException(
                when {
                    target == TargetKind.SINGLE && name in ClusterClients.factories -> "$name runs against a cluster: add --target cluster"
                    target == TargetKind.CLUSTER && name in factories -> "$name runs against one server: drop --target cluster"
                    else -> "unknown client $name; known clients: ${known.keys.joinToString()} (or all)"
                },
            )
        }
    }
}
