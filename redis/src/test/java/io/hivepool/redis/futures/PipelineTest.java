package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.Command;
import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.Popped;
import io.hivepool.redis.RedisServerException;
import io.hivepool.redis.RespDecoders;
import io.hivepool.redis.ScoredMember;
import io.hivepool.redis.StringCommands;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pipelines from Java: the typed methods record their commands, and their futures complete after the flush. */
class PipelineTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("typed commands of every group in one pipeline: typed futures, and every reply in the list")
    void typedCommandsInAPipeline() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-pipeline")) {
            await(pool.del("p:s", "p:h", "p:l", "p:z", "p:x"));
            AtomicReference<CompletableFuture<String>> get = new AtomicReference<>();
            AtomicReference<CompletableFuture<Map<String, String>>> hash = new AtomicReference<>();
            AtomicReference<CompletableFuture<List<ScoredMember>>> ranked = new AtomicReference<>();
            AtomicReference<CompletableFuture<Long>> llen = new AtomicReference<>();
            List<Object> replies = await(pool.pipeline(p -> {
                p.set("p:s", "v", Duration.ofMinutes(1));
                get.set(p.get("p:s"));
                p.hset("p:h", Map.of("f", "1"));
                hash.set(p.hgetAll("p:h"));
                p.rpush("p:l", "a", "b");
                llen.set(p.send(Command.of(List.of("LLEN", "p:l"), RespDecoders::asLong)));
                p.zadd("p:z", 2.0, "two");
                ranked.set(p.zrangeWithScores("p:z", 0, -1));
                p.xadd("p:x", Map.of("k", "v"));
                p.queue("INCR", "p:s"); // fails: not an integer
                assertFalse(get.get().isDone(), "nothing is sent before the block returns");
            }));
            assertEquals("v", await(get.get()));
            assertEquals(Map.of("f", "1"), await(hash.get()));
            assertEquals(2L, await(llen.get()));
            assertEquals(List.of(new ScoredMember("two", 2.0)), await(ranked.get()));
            assertEquals(10, replies.size());
            assertEquals(true, replies.get(0));
            assertEquals("v", replies.get(1));
            assertInstanceOf(RedisServerException.class, replies.get(9));
        }
    }

    @Test
    @DisplayName("a failed command fails only its own future, and a factory command with every option fits in")
    void failuresStayWithTheirCommand() throws Exception {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-pipeline-2")) {
            await(pool.set("p:n", "x"));
            AtomicReference<CompletableFuture<Long>> bad = new AtomicReference<>();
            AtomicReference<CompletableFuture<Boolean>> nx = new AtomicReference<>();
            await(pool.pipeline(p -> {
                bad.set(p.incr("p:n"));
                nx.set(p.send(StringCommands.set("p:n", "y", null, null, false, true, false)));
            }));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> bad.get().get());
            assertInstanceOf(RedisServerException.class, e.getCause());
            assertFalse(await(nx.get()));
        }
    }

    @Test
    @DisplayName("a pipeline with a blocking command runs on a lease and still completes every future")
    void blockingCommandInAPipeline() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-pipeline-3")) {
            await(pool.del("p:q"));
            AtomicReference<CompletableFuture<Popped<String>>> popped = new AtomicReference<>();
            await(pool.pipeline(p -> {
                p.rpush("p:q", "job");
                popped.set(p.blpop(Duration.ofSeconds(1), "p:q"));
            }));
            assertEquals(new Popped<>("p:q", "job"), await(popped.get()));
            assertTrue(await(pool.llen("p:q")) == 0L);
        }
    }
}
