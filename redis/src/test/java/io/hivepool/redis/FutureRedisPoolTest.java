package io.hivepool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.testing.RedisServer;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java face, used as a Java user would. */
class FutureRedisPoolTest {

    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    private static FutureRedisPool pool(String clientName) {
        RedisServer server = redis.getServer();
        return RedisPools.create(RedisPoolConfig.builder()
                .uri(server.getUri())
                .maxSize(4)
                .sharedConnections(1)
                .clientName(clientName)
                .acquireTimeout(Duration.ofSeconds(5))
                .build());
    }

    @Test
    @DisplayName("pool-level commands return CompletableFutures")
    void poolLevelCommands() throws Exception {
        try (FutureRedisPool pool = pool("java-cmds")) {
            assertEquals(true, pool.set("j:a", "1").get());
            assertEquals("1", pool.get("j:a").get());
            assertEquals(2L, pool.incr("j:a").get());
            assertEquals(1L, pool.hset("j:h", "f", "v").get());
            assertEquals("v", pool.hget("j:h", "f").get());
            assertEquals(RespValue.Integer.class, pool.execute("STRLEN", "j:a").get().getClass());
            assertEquals(1L, pool.send(RedisPools.command(reply -> ((RespValue.Integer) reply).getValue(), "EXISTS", "j:a")).get());
            assertNull(pool.get("j:missing").get());
            ExecutionException e = assertThrows(ExecutionException.class, () -> pool.lpush("j:a", "x").get());
            assertInstanceOf(RedisServerException.class, e.getCause());
        }
    }

    @Test
    @DisplayName("withConnection leases one connection for a chain of stages, with WATCH and MULTI")
    void withConnectionAndTransactions() throws Exception {
        try (FutureRedisPool pool = pool("java-tx")) {
            pool.set("j:counter", "10").get();
            List<Object> replies = pool.<List<Object>>withConnection(conn -> conn.watch("j:counter")
                    .thenCompose(ignored -> conn.get("j:counter"))
                    .thenCompose(value -> conn.multi(tx -> {
                        tx.queue("SET", "j:counter", String.valueOf(Long.parseLong(value) + 1));
                        tx.queue("INCR", "j:other");
                    }))).get();
            assertEquals(2, replies.size());
            assertEquals("11", pool.get("j:counter").get());
            List<Object> committed = pool.transaction(tx -> tx.queue("INCR", "j:other")).get();
            assertEquals(new RespValue.Integer(2L), committed.get(0));
            List<Object> piped = pool.pipeline(p -> {
                p.queue("GET", "j:counter");
                p.queue("GET", "j:other");
            }).get();
            assertEquals(2, piped.size());
        }
    }

    @Test
    @DisplayName("cancelling a future cancels the command: a cancelled BLPOP never takes a later element")
    void cancellingAFutureCancelsTheCommand() throws Exception {
        try (FutureRedisPool pool = pool("java-cancel")) {
            pool.del("j:q").get();
            CompletableFuture<RespValue> blocked = pool.execute("BLPOP", "j:q", "30");
            RedisServer server = redis.getServer();
            while (!server.command("CLIENT", "LIST").contains("cmd=blpop")) {
                Thread.onSpinWait();
            }
            assertTrue(blocked.cancel(true));
            assertThrows(CancellationException.class, blocked::get);
            while (server.command("CLIENT", "LIST").contains("cmd=blpop")) {
                Thread.onSpinWait();
            }
            pool.lpush("j:q", "later").get();
            assertEquals("later", pool.rpop("j:q").get());
            assertEquals(1, pool.getStats().getInUse()); // only the shared connection
        }
    }
}
