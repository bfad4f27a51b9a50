package io.hivepool.redis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.RedisPools;
import io.hivepool.redis.cluster.ReadFrom;
import io.hivepool.testing.RedisServer;
import io.hivepool.testing.RedisSentinelGroup;
import io.hivepool.testing.RedisSentinelOptions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Sentinel pool's Java face: the same FutureRedisPool as a single server. */
class FutureRedisSentinelPoolTest {
    private static RedisSentinelGroup group;

    @BeforeAll
    static void startGroup() {
        RedisSentinelOptions options = new RedisSentinelOptions();
        options.setSentinels(1);
        group = RedisSentinelGroup.start(options);
    }

    @AfterAll
    static void stopGroup() {
        group.close();
    }

    @Test
    @DisplayName("RedisPools.sentinel finds the master and gives the usual future face")
    void commandsOnTheMaster() throws Exception {
        RedisSentinelConfig config = RedisSentinelConfig.builder()
                .sentinels(group.getSentinelUris().toArray(new String[0]))
                .masterName(group.getMasterName())
                .node(node -> node.maxSize(4).commandTimeout(Duration.ofSeconds(5)))
                .build();
        try (FutureRedisPool pool = RedisPools.sentinel(config).get()) {
            assertEquals(true, pool.set("js:a", "1").get());
            assertEquals(2L, pool.incr("js:a").get());
            assertEquals("2", group.primary().command("GET", "js:a"));
        }
    }

    @Test
    @DisplayName("readFrom(REPLICA) sends reads to the replica and writes to the master")
    void readsFromTheReplica() throws Exception {
        RedisSentinelConfig config = RedisSentinelConfig.builder()
                .sentinels(group.getSentinelUris().toArray(new String[0]))
                .masterName(group.getMasterName())
                .readFrom(ReadFrom.REPLICA)
                .build();
        assertEquals(ReadFrom.REPLICA, config.getReadFrom());
        RedisServer master = group.primary();
        RedisServer replica = group.getServers().stream().filter(s -> s != master).findFirst().orElseThrow();
        try (FutureRedisPool pool = RedisPools.sentinel(config).get()) {
            assertEquals(true, pool.set("js:r", "replicated").get());
            assertEquals("1", master.command("WAIT", "1", "5000"));
            long masterGets = getCalls(master);
            long replicaGets = getCalls(replica);
            for (int i = 0; i < 5; i++) {
                assertEquals("replicated", pool.get("js:r").get());
            }
            assertEquals(masterGets, getCalls(master));
            assertEquals(replicaGets + 5, getCalls(replica));
        }
    }

    private static long getCalls(RedisServer node) {
        return node.command("INFO", "commandstats").lines()
                .filter(l -> l.startsWith("cmdstat_get:"))
                .map(l -> Long.parseLong(l.substring(l.indexOf("calls=") + 6, l.indexOf(','))))
                .findFirst().orElse(0L);
    }

    @Test
    @DisplayName("an unknown master name fails the future with RedisSentinelException")
    void unknownMaster() {
        RedisSentinelConfig config = RedisSentinelConfig.builder()
                .sentinels(group.getSentinelUris().get(0))
                .masterName("nosuch")
                .build();
        ExecutionException e = assertThrows(ExecutionException.class, () -> RedisPools.sentinel(config).get());
        assertInstanceOf(RedisSentinelException.class, e.getCause());
    }
}
