package io.hivepool.redis.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.PubSubMessage;
import io.hivepool.redis.RedisPools;
import io.hivepool.redis.RedisSubscription;
import io.hivepool.testing.RedisCluster;
import io.hivepool.testing.RedisClusterOptions;
import java.nio.file.Paths;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Sharded pub/sub through the cluster's Java face on Redis 7 (/usr/bin/redis-server). Runs only where that binary
 * exists (the system-redis profile in redis/pom.xml); elsewhere it is not part of the run.
 */
class SystemRedisShardedPubSubTest {
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        RedisClusterOptions options = new RedisClusterOptions();
        options.setPrimaries(3);
        options.setExecutable(Paths.get("/usr/bin/redis-server"));
        cluster = RedisCluster.start(options);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    @DisplayName("ssubscribe hears spublish on the channel's shard, and follows the slot when it migrates")
    void shardedSubscribe() throws Exception {
        try (FutureRedisClusterPool client = RedisPools.cluster(
                RedisClusterConfig.builder().seeds(cluster.getSeeds().get(0)).maxSizePerNode(4).name("java-sharded").build())) {
            BlockingQueue<PubSubMessage> received = new LinkedBlockingQueue<>();
            String channel = "jorders:{j1}";
            try (RedisSubscription ignored = client.ssubscribe(received::add, channel)) {
                publishUntilHeard(client, channel, "before");
                assertEquals("before", received.poll(10, TimeUnit.SECONDS).getPayload());

                int slot = cluster.slotOf(channel);
                var source = cluster.ownerOf(slot);
                var target = cluster.primaries().stream().filter(p -> !p.equals(source)).findFirst().orElseThrow();
                cluster.migrateSlot(slot, target);
                publishUntilHeard(client, channel, "after");
                PubSubMessage after = received.poll(10, TimeUnit.SECONDS);
                assertEquals(channel, after.getChannel());
                assertEquals("after", after.getPayload());
                assertEquals("jorders:{j1}\n1", target.command("PUBSUB", "SHARDNUMSUB", channel));
            }
        }
    }

    /** SPUBLISH until one subscriber of the channel's shard got it (the subscription starts in the background). */
    private static void publishUntilHeard(FutureRedisClusterPool client, String channel, String message) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.spublish(channel, message).get(10, TimeUnit.SECONDS) == 0L) {
            assertTrue(System.nanoTime() < deadline, "no subscriber heard " + message + " within 10 s");
            Thread.onSpinWait();
        }
    }
}
