package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.RedisTransactionAbortedException;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MULTI/EXEC from Java: typed commands queued in a transaction, WATCH on a lease. */
class TransactionTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("typed commands in pool.transaction: typed futures and the EXEC replies")
    void typedCommandsInATransaction() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-tx")) {
            await(pool.del("t:n", "t:set"));
            AtomicReference<CompletableFuture<Long>> counter = new AtomicReference<>();
            AtomicReference<CompletableFuture<Set<String>>> members = new AtomicReference<>();
            List<Object> replies = await(pool.transaction(tx -> {
                counter.set(tx.incrBy("t:n", 5));
                tx.expire("t:n", Duration.ofSeconds(60));
                tx.sadd("t:set", "a", "b");
                members.set(tx.smembers("t:set"));
            }));
            assertEquals(5L, await(counter.get()));
            assertEquals(Set.of("a", "b"), await(members.get()));
            assertEquals(List.of(5L, true, 2L, Set.of("a", "b")), replies);
        }
    }

    @Test
    @DisplayName("WATCH on a lease: a key changed by someone else aborts EXEC (null), and its futures fail")
    void watchAborts() throws Exception {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-tx-watch")) {
            await(pool.set("t:balance", "10"));
            AtomicReference<CompletableFuture<Long>> queued = new AtomicReference<>();
            List<Object> result = await(pool.withConnection(conn -> conn.watch("t:balance")
                    .thenCompose(w -> pool.set("t:balance", "99")) // another client's write, through the pool
                    .thenCompose(written -> conn.multi(tx -> queued.set(tx.incr("t:balance"))))));
            assertNull(result);
            ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get().get());
            assertInstanceOf(RedisTransactionAbortedException.class, e.getCause());
            assertEquals("99", await(pool.get("t:balance")));
            // without interference the same flow commits, and typed reads work on the lease before MULTI
            List<Object> committed = await(pool.withConnection(conn -> conn.watch("t:balance")
                    .thenCompose(w -> conn.get("t:balance"))
                    .thenCompose(value -> conn.multi(tx -> tx.set("t:balance", String.valueOf(Long.parseLong(value) + 1))))));
            assertEquals(List.of(true), committed);
            assertEquals("100", await(pool.get("t:balance")));
        }
    }
}
