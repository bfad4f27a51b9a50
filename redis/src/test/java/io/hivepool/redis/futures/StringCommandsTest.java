package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.Command;
import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.RespDecoders;
import io.hivepool.redis.RespValue;
import io.hivepool.redis.StringCommands;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** String commands from Java, on the pool and on a leased connection. */
class StringCommandsTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("GET, SET with expiry and NX, SET GET, MSET and MGET")
    void getSetAndFriends() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-strings")) {
            await(pool.del("s:a", "s:b", "s:c"));
            assertTrue(await(pool.set("s:a", "1")));
            assertEquals("1", await(pool.get("s:a")));
            assertTrue(await(pool.set("s:b", "2", Duration.ofSeconds(100))));
            long ttl = await(pool.ttl("s:b"));
            assertTrue(ttl > 90 && ttl <= 100, "ttl " + ttl);
            assertFalse(await(pool.setNx("s:a", "other", null)));
            assertTrue(await(pool.setNx("s:c", "3", Duration.ofMillis(100_500))));
            assertTrue(await(pool.pttl("s:c")) > 99_000);
            assertEquals("1", await(pool.setGet("s:a", "one")));
            Map<String, String> values = new LinkedHashMap<>();
            values.put("s:m1", "x");
            values.put("s:m2", "y");
            await(pool.mset(values));
            assertEquals(Arrays.asList("x", null, "y"), await(pool.mget("s:m1", "s:none", "s:m2")));
            // every option through the factory: XX on a missing key writes nothing
            assertFalse(await(pool.send(StringCommands.set("s:none", "v", null, null, false, false, true))));
            assertNull(await(pool.get("s:none")));
            assertThrows(IllegalArgumentException.class, () -> StringCommands.set("k", "v", null, null, false, true, true));
        }
    }

    @Test
    @DisplayName("counters, APPEND, GETDEL, GETEX, STRLEN and binary values")
    void countersAndTheRest() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-strings-2")) {
            await(pool.del("s:n", "s:t", "s:bin"));
            assertEquals(1L, await(pool.incr("s:n")));
            assertEquals(11L, await(pool.incrBy("s:n", 10)));
            assertEquals(10L, await(pool.decr("s:n")));
            assertEquals(5L, await(pool.decrBy("s:n", 5)));
            assertEquals(5.5, await(pool.incrByFloat("s:n", 0.5)));
            assertEquals(5L, await(pool.append("s:t", "hello")));
            assertEquals(5L, await(pool.strlen("s:t")));
            assertEquals("hello", await(pool.getEx("s:t", Duration.ofSeconds(50))));
            assertTrue(await(pool.ttl("s:t")) > 0);
            assertEquals("hello", await(pool.getDel("s:t")));
            assertEquals(0L, await(pool.exists("s:t")));
            byte[] key = "s:bin".getBytes(StandardCharsets.UTF_8);
            byte[] value = {0, 1, 2, (byte) 0xff, '\r', '\n'};
            assertTrue(await(pool.set(key, value)));
            assertArrayEquals(value, await(pool.get(key)));
        }
    }

    @Test
    @DisplayName("hand-built commands: Command.of, typed execute, and raw execute")
    void handBuiltCommands() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-strings-3")) {
            await(pool.del("s:q"));
            await(pool.rpush("s:q", "a", "b"));
            Command<Long> llen = Command.of(List.of("LLEN", "s:q"), reply -> ((RespValue.Integer) reply).getValue());
            assertEquals(2L, await(pool.send(llen)));
            assertEquals(2L, await(pool.execute(RespDecoders::asLong, "LLEN", "s:q")));
            assertEquals(new RespValue.Integer(2L), await(pool.execute("LLEN", "s:q")));
            assertEquals("LLEN", llen.getName());
            assertEquals(List.of("LLEN", "s:q"), llen.getArgs());
        }
    }

    @Test
    @DisplayName("the same typed methods on a leased connection")
    void onALeasedConnection() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-strings-4")) {
            String got = await(pool.withConnection(conn -> conn.set("s:lease", "v")
                    .thenCompose(ok -> conn.append("s:lease", "w"))
                    .thenCompose(len -> conn.get("s:lease"))));
            assertEquals("vw", got);
        }
    }
}
