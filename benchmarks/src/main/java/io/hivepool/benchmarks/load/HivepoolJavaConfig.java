package io.hivepool.benchmarks.load;

import io.hivepool.redis.RedisPoolConfig;

/** The Java clients' pool settings, built with the Java builder: those of {@link HivepoolClients#pool}. */
final class HivepoolJavaConfig {
    private HivepoolJavaConfig() {
    }

    static RedisPoolConfig.Builder builder(RedisTarget target, int maxSize) {
        RedisPoolConfig.Builder builder = RedisPoolConfig.builder().uri(target.getUri()).maxSize(maxSize).name("bench");
        Integer shared = HivepoolClients.getSharedConnections();
        if (shared != null) {
            builder.sharedConnections(Math.max(1, Math.min(shared, Math.max(1, maxSize - 1)))); // one kept for leases
        }
        return builder;
    }
}
