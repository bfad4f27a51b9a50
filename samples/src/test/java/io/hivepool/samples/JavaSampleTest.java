package io.hivepool.samples;

import io.hivepool.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JavaSampleTest {
    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    @DisplayName("the Java sample chains futures, pipelines 100 increments, runs a WATCHed transaction and typed commands")
    void runsAgainstARealRedis() {
        String summary = JavaSample.run(redis.getUri());
        assertEquals("greeting=hello from Java, visits=100, transaction replies=2, balance=100, leader=ada, lock length=2", summary);
        assertEquals("100", redis.command("GET", "java:balance"));
    }
}
