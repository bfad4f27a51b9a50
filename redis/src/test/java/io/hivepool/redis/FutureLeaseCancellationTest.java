package io.hivepool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.testing.RedisServerJUnitExtension;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A lease's future given up from outside (cancel, orTimeout, complete) ends the lease: its connection goes back to
 * the pool at once instead of staying held by a block that never finishes. A finished lease is not disturbed.
 */
class FutureLeaseCancellationTest {

    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    private static FutureRedisPool pool() {
        return RedisPools.create(RedisPoolConfig.builder()
                .uri(redis.getServer().getUri())
                .maxSize(2)
                .sharedConnections(1) // so exactly one connection is left for leases
                .acquireTimeout(Duration.ofSeconds(5))
                .build());
    }

    /** Waits until no lease holds a connection (only the shared one is in use). */
    private static void awaitLeaseEnded(FutureRedisPool pool) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.getStats().getInUse() > 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the lease still holds its connection: " + pool.getStats());
            }
            Thread.onSpinWait();
        }
    }

    /** A lease whose block never finishes, once it holds its connection (the shared one and this one in use). */
    private static CompletableFuture<String> holdLease(FutureRedisPool pool) throws Exception {
        pool.set("k", "v").get(5, TimeUnit.SECONDS); // opens the shared connection
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<String> held = pool.withConnection(c -> {
            holding.countDown();
            return new CompletableFuture<String>(); // never completes
        });
        assertTrue(holding.await(5, TimeUnit.SECONDS));
        assertEquals(2, pool.getStats().getInUse());
        return held;
    }

    @Test
    @DisplayName("cancelling a lease's future ends the lease, and the next lease gets the connection")
    void cancelEndsTheLease() throws Exception {
        try (FutureRedisPool pool = pool()) {
            CompletableFuture<String> held = holdLease(pool);
            assertTrue(held.cancel(true));
            assertThrows(CancellationException.class, held::join);
            awaitLeaseEnded(pool);
            assertEquals("v", pool.withConnection(c -> c.get("k")).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    @DisplayName("a lease's future that times out (orTimeout) ends the lease")
    void timeoutEndsTheLease() throws Exception {
        try (FutureRedisPool pool = pool()) {
            CompletableFuture<String> held = holdLease(pool).orTimeout(200, TimeUnit.MILLISECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> held.get(5, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
            awaitLeaseEnded(pool);
            assertEquals("v", pool.withConnection(c -> c.get("k")).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    @DisplayName("completing a lease's future from outside ends the lease with that value")
    void completeEndsTheLease() throws Exception {
        try (FutureRedisPool pool = pool()) {
            CompletableFuture<String> held = holdLease(pool);
            assertTrue(held.complete("given up"));
            assertEquals("given up", held.get(5, TimeUnit.SECONDS));
            awaitLeaseEnded(pool);
        }
    }

    @Test
    @DisplayName("cancelling a lease's future after it completed changes nothing")
    void cancelAfterCompletion() throws Exception {
        try (FutureRedisPool pool = pool()) {
            pool.set("k", "v").get(5, TimeUnit.SECONDS);
            CompletableFuture<String> done = pool.withConnection(c -> c.get("k"));
            assertEquals("v", done.get(5, TimeUnit.SECONDS));
            assertEquals(false, done.cancel(true));
            assertEquals("v", done.join());
            assertEquals("v", pool.withConnection(c -> c.get("k")).get(5, TimeUnit.SECONDS));
        }
    }
}
