package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.RedisScript;
import io.hivepool.redis.RespDecoders;
import io.hivepool.redis.RespValue;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lua scripting from Java. */
class ScriptingCommandsTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("EVAL, SCRIPT LOAD/EXISTS/FLUSH, EVALSHA, and a RedisScript that is loaded again after NOSCRIPT")
    void scripts() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-scripts")) {
            RespValue set = await(pool.eval("return redis.call('SET', KEYS[1], ARGV[1])", List.of("sc:k"), List.of("v1")));
            assertEquals(new RespValue.SimpleString("OK"), set);
            RedisScript get = new RedisScript("return redis.call('GET', KEYS[1])");
            assertEquals(get.getSha1(), await(pool.scriptLoad(get.getSource())));
            assertEquals(List.of(true, false), await(pool.scriptExists(get.getSha1(), "0000000000000000000000000000000000000000")));
            assertEquals("v1", RespDecoders.asString(await(pool.evalSha(get.getSha1(), List.of("sc:k"), List.of()))));
            await(pool.scriptFlush());
            assertEquals(List.of(false), await(pool.scriptExists(get.getSha1())));
            assertEquals("v1", RespDecoders.asString(await(pool.eval(get, List.of("sc:k"), List.of()))));
            assertEquals(List.of(true), await(pool.scriptExists(get.getSha1())));
            RespValue sum = await(pool.eval("return tonumber(ARGV[1]) + tonumber(ARGV[2])", List.of(), List.of(2, 3)));
            assertEquals(5L, RespDecoders.asLong(sum));
        }
    }
}
