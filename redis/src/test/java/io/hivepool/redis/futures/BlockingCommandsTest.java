package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static io.hivepool.redis.futures.JavaPools.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hivepool.redis.Command;
import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.ListEnd;
import io.hivepool.redis.Popped;
import io.hivepool.redis.RedisPoolConfig;
import io.hivepool.redis.RedisPools;
import io.hivepool.redis.RespDecoders;
import io.hivepool.redis.ScoredMember;
import io.hivepool.testing.RedisServer;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Blocking commands from Java, with their block time. */
class BlockingCommandsTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    private static void awaitBlocked(String clientName, String command) {
        RedisServer server = redis.getServer();
        awaitTrue(() -> server.command("CLIENT", "LIST").lines()
                .anyMatch(line -> line.contains("name=" + clientName + " ") && line.contains("cmd=" + command)));
    }

    @Test
    @DisplayName("BLPOP waits on a lease of its own while pool-level commands go on, and gets a later push")
    void blpopGetsALaterElement() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-blpop")) {
            await(pool.del("b:q"));
            CompletableFuture<Popped<String>> popped = pool.blpop(Duration.ofSeconds(10), "b:q");
            awaitBlocked("java-blpop", "blpop");
            assertEquals(1L, await(pool.rpush("b:q", "job")));
            assertEquals(new Popped<>("b:q", "job"), await(popped));
        }
    }

    @Test
    @DisplayName("a block time longer than commandTimeout is waited out, not taken for a dead connection")
    void blockTimeExtendsTheReplyDeadline() {
        try (FutureRedisPool pool = RedisPools.create(RedisPoolConfig.builder()
                .uri(redis.getServer().getUri())
                .maxSize(2)
                .clientName("java-block-time")
                .commandTimeout(Duration.ofMillis(200))
                .build())) {
            await(pool.del("b:never"));
            assertNull(await(pool.brpop(Duration.ofMillis(600), "b:never")));
            assertNull(await(pool.bzpopmin(Duration.ofMillis(300), "b:never")));
            // a hand-built blocking command says its block time with Command.of
            Command<List<String>> blpop = Command.of(List.of("BLPOP", "b:never", "0.4"), Duration.ofMillis(400), RespDecoders::asStrings);
            assertEquals(List.of(), await(pool.send(blpop)));
            assertEquals("PONG", await(pool.ping()));
        }
    }

    @Test
    @DisplayName("BRPOP, BLMOVE, BZPOPMIN and BZPOPMAX take what is there at once")
    void theOthers() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-blocking")) {
            await(pool.del("b:l", "b:dst", "b:z"));
            await(pool.rpush("b:l", "1", "2", "3"));
            assertEquals(new Popped<>("b:l", "3"), await(pool.brpop(Duration.ofSeconds(1), "b:none", "b:l")));
            assertEquals("1", await(pool.blmove("b:l", "b:dst", ListEnd.LEFT, ListEnd.RIGHT, Duration.ofSeconds(1))));
            await(pool.zadd("b:z", 1.0, "low"));
            await(pool.zadd("b:z", 9.0, "high"));
            assertEquals(new Popped<>("b:z", new ScoredMember("high", 9.0)), await(pool.bzpopmax(Duration.ofSeconds(1), "b:z")));
            assertEquals(new Popped<>("b:z", new ScoredMember("low", 1.0)), await(pool.bzpopmin(Duration.ZERO, "b:z")));
            assertEquals(0L, await(pool.waitReplicas(0, Duration.ofMillis(100))));
        }
    }
}
