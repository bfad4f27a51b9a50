package io.hivepool.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.pool.PoolStats;
import io.hivepool.redis.PubSubMessage;
import io.hivepool.redis.RedisPools;
import io.hivepool.redis.RedisSubscription;
import io.hivepool.redis.metrics.RedisClusterMetrics;
import io.hivepool.testing.RedisCluster;
import io.hivepool.testing.RedisClusterOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cluster's Java face, used as a Java user would: commands, pipelines, transactions, stats, metrics, pub/sub. */
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

    private static FutureRedisClusterPool client(String name) {
        return RedisPools.cluster(RedisClusterConfig.builder().seeds(cluster.getSeeds().get(0)).maxSizePerNode(4).name(name).build());
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

    @Test
    @DisplayName("stats() sums the node pools, and RedisClusterMetrics publishes each node with its tag")
    void statsAndMetrics() throws Exception {
        try (FutureRedisClusterPool client = client("java-metrics")) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RedisClusterMetrics metrics = new RedisClusterMetrics(client.getClusterPool());
            metrics.bindTo(registry);
            for (int i = 0; i < 60; i++) client.set("jm:" + i, "v").get(10, TimeUnit.SECONDS);

            PoolStats total = client.stats();
            assertEquals(client.nodeStats().values().stream().mapToLong(PoolStats::getCreated).sum(), total.getCreated());
            Set<String> nodes = registry.find("hivepool.pool.creates").tag("cluster", "java-metrics").functionCounters().stream()
                    .map(c -> c.getId().getTag("node")).collect(Collectors.toSet());
            Set<String> primaries = cluster.getNodes().stream().map(n -> "127.0.0.1:" + n.getPort()).collect(Collectors.toSet());
            assertEquals(primaries, nodes);
            double timedSets = registry.find("db.client.operation.duration").tag("cluster", "java-metrics")
                    .tag("db.operation.name", "SET").timers().stream().mapToLong(t -> t.count()).sum();
            assertEquals(60.0, timedSets);

            metrics.unbind();
            assertTrue(registry.getMeters().isEmpty());
        }
    }

    @Test
    @DisplayName("subscribe hears PUBLISH from any node; closing the subscription completes done")
    void subscribe() throws Exception {
        try (FutureRedisClusterPool client = client("java-sub")) {
            BlockingQueue<PubSubMessage> received = new LinkedBlockingQueue<>();
            RedisSubscription subscription = client.subscribe(received::add, "jc:news");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // PUBLISH reaches every node's subscribers: once the subscriber is in, the count is 1 from any node
            while (client.publish("jc:news", "hello").get(10, TimeUnit.SECONDS) == 0L) {
                assertTrue(System.nanoTime() < deadline, "the subscription did not start within 10 s");
                Thread.onSpinWait();
            }
            PubSubMessage message = received.poll(10, TimeUnit.SECONDS);
            assertEquals("jc:news", message.getChannel());
            assertEquals("hello", message.getPayload());
            subscription.close();
            subscription.getDone().get(10, TimeUnit.SECONDS);
        }
    }
}
