package io.hivepool.benchmarks.load;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.RedisPools;

/**
 * {@code hivepool-java-pool}: the Java face, asynchronous. C callers, each a chain of futures: {@code pool.get(key)},
 * and when it completes the next one; no thread waits. Pool-level commands, multiplexed over the shared connections.
 */
public final class HivepoolJavaPoolClient implements Client {
    private final FutureRedisPool pool;

    public HivepoolJavaPoolClient(RedisTarget target, int poolSize) {
        this.pool = RedisPools.create(HivepoolJavaConfig.builder(target, poolSize).build());
    }

    @Override
    public String getName() {
        return "hivepool-java-pool";
    }

    /** The shared connections that carry the traffic. */
    @Override
    public int getConnections() {
        return pool.getRedisPool().getConfig().getSharedConnections();
    }

    @Override
    public RunResult run(Load load) {
        return ClosedLoop.INSTANCE.onFutures(this, load, pool::get);
    }

    @Override
    public void close() {
        pool.close();
    }
}
