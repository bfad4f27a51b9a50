package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Set commands from Java. */
class SetCommandsTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("SADD, SREM, SMEMBERS, SISMEMBER, SCARD, SINTER, SUNION, SDIFF, SPOP and SRANDMEMBER")
    void setCommands() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-sets")) {
            await(pool.del("st:a", "st:b", "st:pop"));
            assertEquals(3L, await(pool.sadd("st:a", "x", "y", "z")));
            assertEquals(2L, await(pool.sadd("st:b", "y", "w")));
            assertEquals(Set.of("x", "y", "z"), await(pool.smembers("st:a")));
            assertTrue(await(pool.sismember("st:a", "x")));
            assertFalse(await(pool.sismember("st:a", "w")));
            assertEquals(3L, await(pool.scard("st:a")));
            assertEquals(Set.of("y"), await(pool.sinter("st:a", "st:b")));
            assertEquals(Set.of("x", "y", "z", "w"), await(pool.sunion("st:a", "st:b")));
            assertEquals(Set.of("x", "z"), await(pool.sdiff("st:a", "st:b")));
            assertEquals(1L, await(pool.srem("st:a", "z", "nope")));
            assertTrue(Set.of("x", "y").contains(await(pool.srandmember("st:a"))));
            List<String> two = await(pool.srandmember("st:a", 2));
            assertEquals(Set.of("x", "y"), new HashSet<>(two));
            await(pool.sadd("st:pop", "1", "2", "3"));
            Set<String> popped = new HashSet<>(await(pool.spop("st:pop", 2)));
            popped.add(await(pool.spop("st:pop")));
            assertEquals(Set.of("1", "2", "3"), popped);
            assertNull(await(pool.spop("st:pop")));
        }
    }
}
