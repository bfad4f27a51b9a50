package io.hivepool.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Java face of the pool: a CompletableFuture manager, the fluent builder and FuturePool. */
class FuturePoolTest {

    /** A connection made by {@link JavaManager}. */
    static final class Conn {
        final int id;
        volatile boolean destroyed;

        Conn(int id) {
            this.id = id;
        }
    }

    /** A manager written the way a Java user would: every call returns a CompletableFuture. */
    static final class JavaManager extends FutureConnectionManager<Conn> {
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger destroyed = new AtomicInteger();
        final List<Conn> all = new ArrayList<>();

        @Override
        public CompletionStage<Conn> create() {
            Conn conn = new Conn(created.incrementAndGet());
            synchronized (all) {
                all.add(conn);
            }
            return CompletableFuture.supplyAsync(() -> conn);
        }

        @Override
        public CompletionStage<Boolean> recycle(Conn conn, ConnectionInfo info) {
            return CompletableFuture.completedFuture(!conn.destroyed);
        }

        @Override
        public CompletionStage<Void> destroy(Conn conn) {
            conn.destroyed = true;
            destroyed.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
    }

    private final JavaManager manager = new JavaManager();
    private FuturePool<Conn> pool;

    private FuturePool<Conn> pool(int maxSize) {
        PoolConfig config = PoolConfig.builder()
                .name("java")
                .maxSize(maxSize)
                .acquireTimeout(Duration.ofSeconds(5))
                .idleTimeout(Duration.ofMinutes(5))
                .order(Order.FIFO)
                .build();
        pool = Pools.future(manager, config);
        return pool;
    }

    @AfterEach
    void closePool() {
        if (pool != null) pool.close();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("the fluent Java builder sets every knob it is given")
    void builderSetsKnobs() {
        PoolConfig config = PoolConfig.builder()
                .name("java")
                .maxSize(8)
                .minIdle(2)
                .acquireTimeout(Duration.ofSeconds(2))
                .whenExhausted(WhenExhausted.FAIL)
                .build();
        assertEquals("java", config.getName());
        assertEquals(8, config.getMaxSize());
        assertEquals(2, config.getMinIdle());
        assertEquals(WhenExhausted.FAIL, config.getWhenExhausted());
    }

    @Test
    @DisplayName("the Java builder refuses an invalid knob with the field, rule and value")
    void builderValidates() {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> PoolConfig.builder().maxSize(0).build());
        assertEquals("maxSize must be > 0, was 0", error.getMessage());
    }

    @Test
    @DisplayName("a lease acquired through a future can be released and is reused")
    void acquireAndRelease() throws Exception {
        FuturePool<Conn> pool = pool(2);
        Lease<Conn> lease = await(pool.acquire());
        assertEquals(1, lease.getConnection().id);
        assertEquals(1, pool.getStats().getInUse());
        lease.release();
        assertEquals(1, pool.getStats().getIdle());

        Lease<Conn> again = await(pool.acquire());
        assertSame(lease.getConnection(), again.getConnection());
        again.close();

        PoolStats stats = pool.getStats();
        assertEquals(1L, stats.getCreated());
        assertEquals(1L, stats.getMisses());
        assertEquals(1L, stats.getHits());
        assertEquals(1, manager.created.get());
    }

    @Test
    @DisplayName("tryAcquire returns an idle connection or null without waiting")
    void tryAcquire() throws Exception {
        FuturePool<Conn> pool = Pools.future(manager, PoolConfig.builder()
                .name("java")
                .maxSize(1)
                .validateAfterIdle(Duration.ofHours(1))
                .build());
        this.pool = pool;
        assertNull(pool.tryAcquire());
        Lease<Conn> lease = await(pool.acquire());
        assertNull(pool.tryAcquire());
        lease.release();
        Lease<Conn> idle = pool.tryAcquire();
        assertSame(lease.getConnection(), idle.getConnection());
        idle.release();
    }

    @Test
    @DisplayName("cancelling an acquire future gives up the wait and loses no connection")
    void cancelAcquire() throws Exception {
        FuturePool<Conn> pool = pool(1);
        Lease<Conn> held = await(pool.acquire());
        CompletableFuture<Lease<Conn>> waiting = pool.acquire();
        assertFalse(waiting.isDone());
        assertTrue(waiting.cancel(true));
        held.release();

        Lease<Conn> next = await(pool.acquire());
        assertSame(held.getConnection(), next.getConnection());
        assertEquals(0, pool.getStats().getWaiters());
        assertEquals(1, manager.created.get());
        next.release();
    }

    @Test
    @DisplayName("a waiting future completes when another caller releases")
    void waiterIsServed() throws Exception {
        FuturePool<Conn> pool = pool(1);
        Lease<Conn> held = await(pool.acquire());
        CompletableFuture<Lease<Conn>> waiting = pool.acquire();
        assertFalse(waiting.isDone());
        held.release();
        assertSame(held.getConnection(), await(waiting).getConnection());
    }

    @Test
    @DisplayName("a discarded connection is destroyed and replaced")
    void discard() throws Exception {
        FuturePool<Conn> pool = pool(1);
        Lease<Conn> lease = await(pool.acquire());
        lease.discard();
        Lease<Conn> next = await(pool.acquire());
        assertNotSame(lease.getConnection(), next.getConnection());
        assertTrue(lease.getConnection().destroyed);
        next.release();
    }

    @Test
    @DisplayName("after close an acquire future fails with PoolClosedException")
    void closed() throws Exception {
        FuturePool<Conn> pool = pool(1);
        await(pool.acquire()).release();
        await(pool.close(Duration.ofSeconds(1)));
        ExecutionException error = assertThrows(ExecutionException.class, () -> await(pool.acquire()));
        PoolClosedException closed = assertInstanceOf(PoolClosedException.class, error.getCause());
        assertEquals("pool java is closed", closed.getMessage());
        assertEquals(1, manager.destroyed.get());
    }

    @Test
    @DisplayName("many threads borrowing at once never exceed maxSize")
    void concurrentBorrowers() throws Exception {
        FuturePool<Conn> pool = pool(3);
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            runs.add(CompletableFuture.runAsync(() -> {
                for (int j = 0; j < 50; j++) {
                    Lease<Conn> lease = pool.acquire().join();
                    assertFalse(lease.getConnection().destroyed);
                    lease.release();
                }
            }));
        }
        await(CompletableFuture.allOf(runs.toArray(new CompletableFuture[0])));
        assertTrue(manager.created.get() <= 3, "created " + manager.created.get());
        // A create started for a waiter that a release served meanwhile still lands in idle: stats are eventually
        // consistent, so wait for creates in flight (bounded) before comparing size with idle.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.getStats().getCreating() > 0 && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000);
        PoolStats stats = pool.getStats();
        assertEquals(0, stats.getCreating());
        assertEquals(0, stats.getInUse());
        assertEquals(stats.getSize(), stats.getIdle());
    }
}
