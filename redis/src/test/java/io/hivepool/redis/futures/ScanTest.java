package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.ScanPage;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SCAN, HSCAN and SSCAN from Java: iterables over pages, and the page command itself. */
class ScanTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("scan walks every matching key over several pages, each iterator from the start")
    void scanKeys() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-scan")) {
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 60; i++) {
                await(pool.set("scan:" + i, "v"));
                expected.add("scan:" + i);
            }
            await(pool.set("other:1", "v"));
            Iterable<String> keys = pool.scan("scan:*", 7, null);
            Set<String> seen = new HashSet<>();
            keys.forEach(seen::add);
            assertEquals(expected, seen);
            Set<String> again = new HashSet<>();
            keys.forEach(again::add);
            assertEquals(expected, again);
            Set<String> strings = new HashSet<>();
            pool.scan(null, 100, "string").forEach(strings::add);
            assertTrue(strings.containsAll(expected) && strings.contains("other:1"));
            // the page command, for callers who walk without blocking
            ScanPage first = await(pool.scanPage("0", "scan:*", 7));
            assertTrue(!first.isLast() || first.getItems().size() == 60);
        }
    }

    @Test
    @DisplayName("hscan and sscan walk a big hash and set, on the pool and on a lease")
    void hscanAndSscan() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-hscan")) {
            Map<String, String> fields = new HashMap<>();
            Set<String> members = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                fields.put("f" + i, "v" + i);
                members.add("m" + i);
            }
            await(pool.hset("scan:hash", fields));
            await(pool.sadd("scan:set", members.toArray(new String[0])));
            Map<String, String> seen = new HashMap<>();
            for (Map.Entry<String, String> e : pool.hscan("scan:hash", null, 50)) {
                seen.put(e.getKey(), e.getValue());
            }
            assertEquals(fields, seen);
            Set<String> onLease = await(pool.withConnection(conn -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                Set<String> s = new HashSet<>();
                conn.sscan("scan:set", "m1*", 50).forEach(s::add);
                return s;
            })));
            Set<String> expected = new HashSet<>();
            members.stream().filter(m -> m.startsWith("m1")).forEach(expected::add);
            assertEquals(expected, onLease);
            // the page commands, as a pipeline can record them
            List<Object> pages = await(pool.pipeline(p -> {
                p.hscanPage("scan:hash", "0", "f1", 1000);
                p.sscanPage("scan:set", "0", "m2", 1000);
            }));
            assertEquals(new ScanPage("0", List.of("f1", "v1")), pages.get(0));
            assertEquals(new ScanPage("0", List.of("m2")), pages.get(1));
        }
    }
}
