package io.hivepool.benchmarks.load

/** Every client the load generator knows, by the name used in `--clients` and in the JSON line. */
object Clients {
    val factories: Map<String, ClientFactory> = linkedMapOf<String, ClientFactory>().apply {
        putAll(HivepoolClients.factories)
        put("lettuce-shared", ClientFactory { target, _ -> LettuceSharedClient(target) })
        put("jedis-pool", ClientFactory { target, options -> JedisPoolClient(target, options.poolSize) })
        put("lettuce-commons-pool2", ClientFactory { target, options -> LettuceCommonsPoolClient(target, options.poolSize) })
        put("redis-benchmark", ClientFactory { target, _ -> RedisBenchmarkClient(target) })
        put("redis-benchmark-set-P16", ClientFactory { target, _ -> RedisBenchmarkClient(target, pipeline = 16) })
    }

    /** Resolves `--clients` (`all` or a comma list) to factories, in the order given. */
    fun select(names: List<String>): Map<String, ClientFactory> {
        if (names == listOf("all")) return factories
        return names.associateWith { name ->
            factories[name] ?: throw IllegalArgumentException(
                "unknown client $name; known clients: ${factories.keys.joinToString()} (or all)",
            )
        }
    }
}
