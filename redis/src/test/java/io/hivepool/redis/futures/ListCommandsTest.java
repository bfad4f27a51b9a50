package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.ListEnd;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** List commands from Java (the blocking ones are in BlockingCommandsTest). */
class ListCommandsTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("LPUSH, RPUSH, LRANGE, LLEN, LINDEX, LSET, LREM, LTRIM, LPOP and RPOP with and without count, LMOVE")
    void listCommands() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-lists")) {
            await(pool.del("l:q", "l:other"));
            assertEquals(2L, await(pool.rpush("l:q", "b", "c")));
            assertEquals(3L, await(pool.lpush("l:q", "a")));
            assertEquals(List.of("a", "b", "c"), await(pool.lrange("l:q", 0, -1)));
            assertEquals(3L, await(pool.llen("l:q")));
            assertEquals("b", await(pool.lindex("l:q", 1)));
            assertNull(await(pool.lindex("l:q", 10)));
            await(pool.lset("l:q", 1, "B"));
            await(pool.rpush("l:q", "x", "x", "d"));
            assertEquals(2L, await(pool.lrem("l:q", 0, "x")));
            assertEquals(List.of("a", "B", "c", "d"), await(pool.lrange("l:q", 0, -1)));
            await(pool.ltrim("l:q", 0, 2));
            assertEquals("a", await(pool.lpop("l:q")));
            assertEquals("c", await(pool.lmove("l:q", "l:other", ListEnd.RIGHT, ListEnd.LEFT)));
            assertEquals(List.of("B"), await(pool.lpop("l:q", 5)));
            assertNull(await(pool.lpop("l:q", 5)));
            assertNull(await(pool.rpop("l:q")));
            await(pool.rpush("l:q", "1", "2", "3"));
            assertEquals(List.of("3", "2"), await(pool.rpop("l:q", 2)));
            assertEquals("1", await(pool.rpop("l:q")));
        }
    }
}
