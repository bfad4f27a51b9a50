package io.hivepool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.pool.PoolClosedException;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Futures from a closed or closing pool fail with PoolClosedException or a connection error, never as cancelled. */
class FutureRedisPoolCloseTest {

    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    private static FutureRedisPool pool(String name) {
        return RedisPools.create(RedisPoolConfig.builder()
                .uri(redis.getServer().getUri())
                .name(name)
                .maxSize(4)
                .acquireTimeout(Duration.ofSeconds(5))
                .build());
    }

    /** The cause a failed future carries, or an assertion failure when it was cancelled or did not fail. */
    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            throw new AssertionError("nobody cancelled this future, yet it completed as cancelled", e);
        }
        return null;
    }

    @Test
    @DisplayName("every call after close() fails with PoolClosedException, none comes back cancelled")
    void callsAfterClose() throws Exception {
        FutureRedisPool pool = pool("java-closed");
        assertEquals(true, pool.set("jc:k", "v").get());
        pool.close();
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(pool.get("jc:k"));
            futures.add(pool.incr("jc:n"));
            futures.add(pool.execute("PING"));
            futures.add(pool.pipeline(batch -> batch.queue("INCR", "jc:n")));
            futures.add(pool.withConnection(conn -> conn.get("jc:k")));
        }
        for (CompletableFuture<?> f : futures) {
            assertFalse(f.isCancelled(), "completed as cancelled");
            assertInstanceOf(PoolClosedException.class, failureOf(f));
        }
        CompletionException joined = assertThrows(CompletionException.class, () -> pool.get("jc:k").join());
        assertInstanceOf(PoolClosedException.class, joined.getCause());
    }

    @Test
    @DisplayName("a command in flight when close() runs completes or fails with a connection error, never as cancelled")
    void commandInFlightAtClose() throws Exception {
        FutureRedisPool pool = pool("java-in-flight");
        assertEquals(true, pool.set("jc:warm", "1").get()); // the shared connection exists, so the next command is written at once
        CompletableFuture<RespValue> slow = pool.execute("DEBUG", "SLEEP", "0.3");
        pool.close();
        Throwable cause = failureOf(slow);
        assertFalse(slow.isCancelled(), "completed as cancelled");
        if (cause != null) assertInstanceOf(RedisConnectionException.class, cause);
    }

    @Test
    @DisplayName("a withConnection stage still running when close() runs completes with its own result")
    void leaseHeldAtClose() throws Exception {
        FutureRedisPool pool = pool("java-held");
        CountDownLatch leased = new CountDownLatch(1);
        CompletableFuture<String> gate = new CompletableFuture<>();
        CompletableFuture<String> held = pool.withConnection(conn -> {
            leased.countDown();
            return gate;
        });
        assertTrue(leased.await(10, TimeUnit.SECONDS), "the lease was never granted");
        pool.close();
        gate.complete("done");
        assertFalse(held.isCancelled(), "completed as cancelled");
        assertEquals("done", held.get(10, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("futures in flight when close() runs fail with PoolClosedException or a connection error")
    void callsRacingClose() throws Exception {
        for (int round = 0; round < 3; round++) {
            FutureRedisPool pool = pool("java-racing-" + round);
            List<CompletableFuture<?>> futures = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                futures.add(i % 10 == 0 ? pool.withConnection(conn -> conn.incr("jc:r")) : pool.incr("jc:r"));
                if (i == 1_000) pool.close();
            }
            int closed = 0;
            for (CompletableFuture<?> f : futures) {
                Throwable cause = failureOf(f);
                assertFalse(f.isCancelled(), "completed as cancelled");
                if (cause == null) continue;
                assertTrue(cause instanceof PoolClosedException || cause instanceof RedisConnectionException,
                        "unexpected failure: " + cause);
                if (cause instanceof PoolClosedException) closed++;
            }
            assertTrue(closed >= 999, "calls after close() fail with PoolClosedException, got " + closed);
        }
    }
}
