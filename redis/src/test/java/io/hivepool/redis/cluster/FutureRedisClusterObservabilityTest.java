package io.hivepool.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.pool.PoolStats;
import io.hivepool.redis.PubSubMessage;
import io.hivepool.redis.RedisPools;
import io.hivepool.redis.RedisSubscription;
import io.hivepool.redis.metrics.RedisClusterMetrics;
import io.hivepool.testing.RedisCluster;
import io.hivepool.testing.RedisClusterOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Stats, Micrometer and pub/sub of the cluster's Java face, used as a Java user would. */
class FutureRedisClusterObservabilityTest {
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

    private static FutureRedisClusterPool client(String name) {
        return RedisPools.cluster(RedisClusterConfig.builder().seeds(cluster.getSeeds().get(0)).maxSizePerNode(4).name(name).build());
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
