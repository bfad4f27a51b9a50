package io.hivepool.benchmarks.load;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.RedisPools;

/**
 * {@code hivepool-java-lease}: the Java face, blocking. C platform threads each call
 * {@code pool.withConnection(c -> c.get(key)).join()}: a lease per command, as a Java caller would write it.
 */
public final class HivepoolJavaLeaseClient extends BlockingClient {
    private final FutureRedisPool pool;
    private final int poolSize;

    public HivepoolJavaLeaseClient(RedisTarget target, int poolSize) {
        this.poolSize = poolSize;
        this.pool = RedisPools.create(HivepoolJavaConfig.builder(target, poolSize).minIdle(poolSize).build());
    }

    @Override
    public String getName() {
        return "hivepool-java-lease";
    }

    @Override
    public int getConnections() {
        return poolSize;
    }

    @Override
    public Object get(String key) {
        return pool.withConnection(c -> c.get(key)).join();
    }

    @Override
    public void close() {
        pool.close();
    }
}
