package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.AutoClaimed;
import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.PendingEntry;
import io.hivepool.redis.PendingSummary;
import io.hivepool.redis.StreamCommands;
import io.hivepool.redis.StreamEntry;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stream commands from Java. */
class StreamCommandsTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("XADD, XLEN, XRANGE, XREVRANGE, XTRIM and XREAD, with a block time that runs out")
    void addReadTrim() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-streams")) {
            await(pool.del("x:s", "x:empty"));
            String first = await(pool.xadd("x:s", Map.of("n", "1")));
            await(pool.send(StreamCommands.xadd("x:s", Map.of("n", "2"), "*", 10L, null, false, false)));
            await(pool.xadd("x:s", Map.of("n", "3")));
            assertEquals(3L, await(pool.xlen("x:s")));
            List<StreamEntry> all = await(pool.xrange("x:s", "-", "+", null));
            assertEquals(new StreamEntry(first, Map.of("n", "1")), all.get(0));
            assertEquals(List.of("3", "2"), await(pool.xrevrange("x:s", "+", "-", 2L)).stream().map(e -> e.getFields().get("n")).toList());
            Map<String, List<StreamEntry>> read = await(pool.xread(Map.of("x:s", first), 10L, null));
            assertEquals(2, read.get("x:s").size());
            // XREAD BLOCK on an exclusive lease: empty when the block time runs out
            assertEquals(Map.of(), await(pool.xread(Map.of("x:empty", "$"), null, Duration.ofMillis(50))));
            assertEquals(1L, await(pool.xtrim("x:s", 2, false)));
        }
    }

    @Test
    @DisplayName("consumer groups: XGROUP, XREADGROUP, XPENDING, XACK, XCLAIM and XAUTOCLAIM")
    void consumerGroups() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-groups")) {
            await(pool.del("x:g"));
            await(pool.xgroupCreate("x:g", "workers", "$", true));
            assertTrue(await(pool.xgroupCreateConsumer("x:g", "workers", "bob")));
            String id = await(pool.xadd("x:g", Map.of("job", "1")));
            Map<String, List<StreamEntry>> got = await(pool.xreadgroup("workers", "alice", Map.of("x:g", ">"), 10L, null));
            assertEquals(List.of(new StreamEntry(id, Map.of("job", "1"))), got.get("x:g"));
            PendingSummary summary = await(pool.xpending("x:g", "workers"));
            assertEquals(1L, summary.getCount());
            assertEquals(Map.of("alice", 1L), summary.getConsumers());
            List<PendingEntry> pending = await(pool.xpending("x:g", "workers", "-", "+", 10));
            assertEquals("alice", pending.get(0).getConsumer());
            assertTrue(pending.get(0).getIdleTime().toMillis() >= 0);
            assertEquals(List.of(id), await(pool.xclaim("x:g", "workers", "bob", Duration.ZERO, id)).stream().map(StreamEntry::getId).toList());
            AutoClaimed claimed = await(pool.xautoclaim("x:g", "workers", "alice", Duration.ZERO, "0-0", 10L));
            assertEquals(id, claimed.getEntries().get(0).getId());
            assertEquals(1L, await(pool.xack("x:g", "workers", id)));
            assertEquals(0L, await(pool.xgroupDelConsumer("x:g", "workers", "bob")));
            await(pool.xgroupSetId("x:g", "workers", "0"));
            assertTrue(await(pool.xgroupDestroy("x:g", "workers")));
        }
    }
}
