package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hash commands from Java. */
class HashCommandsTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("HSET (one field and a map), HGET, HMGET, HGETALL, HDEL, HEXISTS, HINCRBY, HKEYS, HVALS, HLEN")
    void hashCommands() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-hashes")) {
            await(pool.del("h:user"));
            assertEquals(1L, await(pool.hset("h:user", "name", "ada")));
            assertEquals(0L, await(pool.hset("h:user", "name", "Ada")));
            Map<String, String> more = new LinkedHashMap<>();
            more.put("lang", "en");
            more.put("visits", "1");
            assertEquals(2L, await(pool.hset("h:user", more)));
            assertEquals("Ada", await(pool.hget("h:user", "name")));
            assertEquals(Arrays.asList("Ada", null, "en"), await(pool.hmget("h:user", "name", "missing", "lang")));
            assertEquals(Map.of("name", "Ada", "lang", "en", "visits", "1"), await(pool.hgetAll("h:user")));
            assertEquals(List.of("name", "lang", "visits"), await(pool.hkeys("h:user")));
            assertEquals(List.of("Ada", "en", "1"), await(pool.hvals("h:user")));
            assertEquals(3L, await(pool.hlen("h:user")));
            assertEquals(11L, await(pool.hincrBy("h:user", "visits", 10)));
            assertTrue(await(pool.hexists("h:user", "lang")));
            assertEquals(1L, await(pool.hdel("h:user", "lang", "missing")));
            assertFalse(await(pool.hexists("h:user", "lang")));
            assertEquals(Map.of(), await(pool.hgetAll("h:none")));
        }
    }

    @Test
    @DisplayName("hash commands on a leased connection over RESP2 decode the same")
    void resp2Lease() {
        try (FutureRedisPool pool = io.hivepool.redis.RedisPools.create(io.hivepool.redis.RedisPoolConfig.builder()
                .uri(redis.getServer().getUri()).protocol(2).maxSize(2).build())) {
            await(pool.hset("h:r2", Map.of("a", "1")));
            assertEquals(Map.of("a", "1"), await(pool.withConnection(conn -> conn.hgetAll("h:r2"))));
        }
    }
}
