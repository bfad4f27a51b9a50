package io.hivepool.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.RedisPools;
import io.hivepool.testing.RedisCluster;
import io.hivepool.testing.RedisClusterOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cluster's Java face, used as a Java user would. */
class FutureRedisClusterPoolTest {
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        RedisClusterOptions options = new RedisClusterOptions();
        options.setPrimaries(3);
        cluster = RedisCluster.start(options);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static FutureRedisClusterPool client() {
        return RedisPools.cluster(RedisClusterConfig.builder()
                .seeds(cluster.getSeeds().get(0))
                .maxSizePerNode(4)
                .name("java-cluster")
                .topologyRefreshInterval(Duration.ofSeconds(30))
                .node(node -> node.commandTimeout(Duration.ofSeconds(5)))
                .build());
    }

    @Test
    @DisplayName("a pipeline in flight when close() runs completes or fails, but never comes back cancelled")
    void pipelineInFlightAtClose() throws Exception {
        FutureRedisClusterPool client = client();
        assertEquals(true, client.set("java:close", "1").get()); // a node pool is open, so the pipeline is written at once
        CompletableFuture<List<Object>> slow = client.pipeline(batch -> batch.queue("DEBUG", "SLEEP", "0.3"));
        client.close();
        try {
            slow.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            assertFalse(failed.getCause() instanceof CancellationException, "failed as cancelled: " + failed.getCause());
        } catch (CancellationException e) {
            throw new AssertionError("nobody cancelled this pipeline, yet it completed as cancelled", e);
        }
        assertFalse(slow.isCancelled());
    }

    @Test
    @DisplayName("commands on keys of every node return CompletableFutures, routed by slot")
    void commandsAcrossNodes() throws Exception {
        try (FutureRedisClusterPool client = client()) {
            List<String> keys = IntStream.range(0, 30).mapToObj(i -> "java:" + i).collect(Collectors.toList());
            for (String key : keys) assertEquals(true, client.set(key, "v-" + key).get());
            for (String key : keys) {
                assertEquals("v-" + key, client.get(key).get());
                assertEquals("v-" + key, cluster.ownerOf(key).command("GET", key));
            }
            assertEquals(3, keys.stream().map(k -> cluster.ownerOf(k).getPort()).distinct().count());
            assertNull(client.get("java:missing").get());
            assertEquals(2L, client.del("{java}.a", "{java}.b").thenCompose(n -> client.exists("{java}.a")).thenApply(n -> n + 2).get());
        }
    }

    @Test
    @DisplayName("a multi-key command spanning slots fails with RedisCrossSlotException")
    void crossSlot() {
        try (FutureRedisClusterPool client = client()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> client.del("foo", "bar").get());
            RedisCrossSlotException cause = assertInstanceOf(RedisCrossSlotException.class, e.getCause());
            assertEquals("foo", cause.getSlots().get(12182));
        }
    }

    @Test
    @DisplayName("pipelines span nodes, transactions are pinned to the slot of their hash key")
    void pipelinesAndTransactions() throws Exception {
        try (FutureRedisClusterPool client = client()) {
            List<Object> replies = client.pipeline(batch -> {
                batch.queue("SET", "jp:1", "a");
                batch.queue("SET", "jp:2", "b");
                batch.queue("SET", "jp:3", "c");
            }).get();
            assertEquals(3, replies.size());
            assertEquals("b", client.get("jp:2").get());
            List<Object> tx = client.transaction("{jt}", batch -> {
                batch.queue("SET", "{jt}.a", "1");
                batch.queue("INCR", "{jt}.b");
            }).get();
            assertEquals(2, tx.size());
            assertEquals("1", cluster.ownerOf("{jt}").command("GET", "{jt}.a"));
            assertTrue(client.nodeStats().containsKey("127.0.0.1:" + cluster.ownerOf("{jt}").getPort()));
        }
    }
}
