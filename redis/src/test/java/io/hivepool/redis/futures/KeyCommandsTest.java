package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.RedisServerException;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Key, server and HyperLogLog commands from Java. */
class KeyCommandsTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("DEL, UNLINK, EXISTS, EXPIRE, PEXPIRE, TTL, PTTL, PERSIST, TYPE and RENAME")
    void keyCommands() throws Exception {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-keys")) {
            await(pool.del("k:a", "k:b", "k:c"));
            await(pool.set("k:a", "1"));
            await(pool.set("k:b", "2"));
            assertEquals(2L, await(pool.exists("k:a", "k:b", "k:c")));
            assertTrue(await(pool.expire("k:a", Duration.ofSeconds(100))));
            assertFalse(await(pool.expire("k:none", Duration.ofSeconds(100))));
            long ttl = await(pool.ttl("k:a"));
            assertTrue(ttl > 90 && ttl <= 100, "ttl " + ttl);
            assertTrue(await(pool.pexpire("k:b", Duration.ofMillis(50_500))));
            long pttl = await(pool.pttl("k:b"));
            assertTrue(pttl > 40_000 && pttl <= 50_500, "pttl " + pttl);
            assertTrue(await(pool.persist("k:a")));
            assertEquals(-1L, await(pool.ttl("k:a")));
            assertEquals("string", await(pool.type("k:a")));
            assertEquals("none", await(pool.type("k:none")));
            assertNull(await(pool.rename("k:a", "k:c")));
            assertEquals("1", await(pool.get("k:c")));
            ExecutionException e = assertThrows(ExecutionException.class, () -> pool.rename("k:none", "k:x").get());
            assertInstanceOf(RedisServerException.class, e.getCause());
            assertEquals(1L, await(pool.unlink("k:c")));
            assertEquals(1L, await(pool.del("k:b")));
        }
    }

    @Test
    @DisplayName("server commands on the pool and, for SELECT, on a lease")
    void serverCommands() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-server")) {
            assertEquals("PONG", await(pool.ping()));
            assertEquals("hi", await(pool.echo("hi")));
            assertTrue(await(pool.info("server")).contains("redis_version"));
            Instant now = await(pool.time());
            assertTrue(Math.abs(now.toEpochMilli() - System.currentTimeMillis()) < 60_000);
            assertTrue(await(pool.dbsize()) >= 0);
            String inDb2 = await(pool.withConnection(conn -> conn.select(2)
                    .thenCompose(ok -> conn.set("k:db2", "two"))
                    .thenCompose(ok -> conn.get("k:db2"))));
            assertEquals("two", inDb2);
            assertNull(await(pool.get("k:db2"))); // the pool's commands stay on db 0
            assertEquals("java-server", await(pool.withConnection(conn -> conn.clientGetName())));
            assertEquals("renamed", await(pool.withConnection(conn -> conn.clientSetName("renamed")
                    .thenCompose(ok -> conn.clientGetName()))));
            assertTrue(await(pool.withConnection(conn -> conn.clientId())) > 0);
            ExecutionException e = assertThrows(ExecutionException.class, () -> pool.select(1).get());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        }
    }

    @Test
    @DisplayName("HyperLogLog: PFADD, PFCOUNT, PFMERGE")
    void hyperLogLog() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-hll")) {
            await(pool.del("k:h1", "k:h2", "k:h3"));
            assertTrue(await(pool.pfadd("k:h1", "a", "b", "c")));
            assertFalse(await(pool.pfadd("k:h1", "a")));
            await(pool.pfadd("k:h2", "c", "d"));
            assertEquals(3L, await(pool.pfcount("k:h1")));
            await(pool.pfmerge("k:h3", "k:h1", "k:h2"));
            assertEquals(4L, await(pool.pfcount("k:h3")));
        }
    }
}
