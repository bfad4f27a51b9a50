package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.Limit;
import io.hivepool.redis.ScoredMember;
import io.hivepool.redis.SortedSetCommands;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sorted set commands from Java. */
class SortedSetCommandsTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    @Test
    @DisplayName("ZADD (one, many, INCR, with options), ZRANGE by rank, score and lex, with scores")
    void addAndRange() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-zsets")) {
            await(pool.del("z:s", "z:lex"));
            assertEquals(1L, await(pool.zadd("z:s", 1.0, "a")));
            assertEquals(2L, await(pool.zadd("z:s", List.of(new ScoredMember("b", 2.0), new ScoredMember("c", 3.5)))));
            assertEquals(4.0, await(pool.zaddIncr("z:s", "a", 3.0)));
            // GT: a lower score is not taken; CH counts it as unchanged
            assertEquals(0L, await(pool.send(SortedSetCommands.zadd("z:s", List.of(new ScoredMember("a", 0.5)), false, false, true, false, true))));
            assertEquals(List.of("b", "c", "a"), await(pool.zrange("z:s", 0, -1)));
            assertEquals(List.of("a", "c", "b"), await(pool.send(SortedSetCommands.zrange("z:s", 0, -1, true))));
            assertEquals(List.of(new ScoredMember("b", 2.0), new ScoredMember("c", 3.5)), await(pool.zrangeWithScores("z:s", 0, 1)));
            assertEquals(List.of("c"), await(pool.zrangeByScore("z:s", "(2", "+inf", new Limit(0, 1))));
            assertEquals(List.of(new ScoredMember("b", 2.0)), await(pool.zrangeByScoreWithScores("z:s", "-inf", "2", null)));
            await(pool.zadd("z:lex", List.of(new ScoredMember("apple", 0), new ScoredMember("banana", 0), new ScoredMember("cherry", 0))));
            assertEquals(List.of("banana", "cherry"), await(pool.zrangeByLex("z:lex", "[b", "+", null)));
        }
    }

    @Test
    @DisplayName("ZSCORE, ZINCRBY, ZRANK, ZREM, ZCARD, ZCOUNT, ZPOPMIN and ZPOPMAX")
    void scoresAndPops() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-zsets-2")) {
            await(pool.del("z:p"));
            await(pool.zadd("z:p", List.of(new ScoredMember("a", 1), new ScoredMember("b", 2), new ScoredMember("c", 3), new ScoredMember("d", 4))));
            assertEquals(2.0, await(pool.zscore("z:p", "b")));
            assertNull(await(pool.zscore("z:p", "zz")));
            assertEquals(2.5, await(pool.zincrby("z:p", 0.5, "b")));
            assertEquals(1L, await(pool.zrank("z:p", "b")));
            assertNull(await(pool.zrank("z:p", "zz")));
            assertEquals(2L, await(pool.zcount("z:p", "2", "3")));
            assertEquals(new ScoredMember("a", 1.0), await(pool.zpopmin("z:p")));
            assertEquals(new ScoredMember("d", 4.0), await(pool.zpopmax("z:p")));
            assertEquals(List.of(new ScoredMember("b", 2.5)), await(pool.zpopmin("z:p", 1)));
            assertEquals(1L, await(pool.zcard("z:p")));
            assertEquals(1L, await(pool.zrem("z:p", "c", "zz")));
            assertNull(await(pool.zpopmax("z:p")));
            assertEquals(List.of(), await(pool.zpopmax("z:p", 2)));
        }
    }
}
