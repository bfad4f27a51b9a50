package io.hivepool.redis.futures;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.RedisPoolConfig;
import io.hivepool.redis.RedisPools;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the Java tests share: a small pool on the class's server, and a bounded wait for a future. */
final class JavaPools {
    private JavaPools() {
    }

    static FutureRedisPool pool(RedisServerJUnitExtension redis, String clientName) {
        return RedisPools.create(RedisPoolConfig.builder()
                .uri(redis.getServer().getUri())
                .maxSize(4)
                .sharedConnections(1)
                .clientName(clientName)
                .acquireTimeout(Duration.ofSeconds(5))
                .build());
    }

    /** The stage's value, failing the test after 10 s instead of hanging it. */
    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the future did not complete normally: " + e, e);
        }
    }

    /** Spins (no sleep) until [condition] holds, failing after 10 s. */
    static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
        }
    }
}
