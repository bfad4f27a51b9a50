package io.hivepool.samples;

import io.hivepool.redis.Command;
import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.RedisPoolConfig;
import io.hivepool.redis.RedisPools;
import io.hivepool.redis.RespDecoders;
import io.hivepool.redis.ScoredMember;
import io.hivepool.redis.StringCommands;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The Redis pool from Java: every command returns a {@link CompletableFuture}, an exclusive lease is a
 * {@code withConnection} callback, and a transaction queues its commands in one flush.
 *
 * <p>Run it with
 * {@code mvn -B -ntp -q -pl samples -am compile exec:java -Dexec.mainClass=io.hivepool.samples.JavaSample}.
 */
public final class JavaSample {
    private JavaSample() {
    }

    public static void main(String[] args) {
        try (SampleRedis redis = SampleRedis.start()) {
            System.out.println("Redis: " + redis.getSource());
            System.out.println(run(redis.getUri()));
        }
    }

    /** Runs the sample against {@code redisUri} and returns a one-line summary of what it did. */
    public static String run(String redisUri) {
        RedisPoolConfig config = RedisPoolConfig.builder()
                .uri(redisUri)
                .name("java-sample")
                .maxSize(4)
                .acquireTimeout(Duration.ofSeconds(5))
                .build();
        try (FutureRedisPool pool = RedisPools.create(config)) {
            pool.del("java:greeting", "java:visits", "java:balance", "java:board", "java:lock").join();

            // Chain commands without blocking a thread.
            String greeting = pool.set("java:greeting", "hello from Java", Duration.ofMinutes(1))
                    .thenCompose(written -> pool.get("java:greeting"))
                    .join();

            // Many commands in flight at once: they are pipelined over the pool's shared connections.
            CompletableFuture<?>[] increments = IntStream.range(0, 100)
                    .mapToObj(i -> pool.incr("java:visits"))
                    .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(increments).join();
            String visits = pool.get("java:visits").join();

            // An exclusive lease for WATCH + MULTI/EXEC; it goes back to the pool when the stage completes.
            // Typed commands queue inside the transaction, each with the future of its own reply.
            List<Object> replies = pool.withConnection(conn -> conn.watch("java:balance")
                    .thenCompose(watching -> conn.multi(tx -> {
                        tx.incrBy("java:balance", 100);
                        tx.expire("java:balance", Duration.ofSeconds(60));
                    })))
                    .join();
            String balance = pool.get("java:balance").join();

            // Every typed command has a Java method; sorted sets come back as lists of ScoredMember.
            pool.zadd("java:board", List.of(new ScoredMember("ada", 30), new ScoredMember("bob", 20))).join();
            List<ScoredMember> board = pool.zrangeWithScores("java:board", 0, -1).join();

            // Anything else is a Command value: a factory's (every option) or one built by hand.
            pool.send(StringCommands.set("java:lock", "me", Duration.ofSeconds(30), null, false, true, false)).join();
            Long length = pool.send(Command.of(List.of("STRLEN", "java:lock"), RespDecoders::asLong)).join();

            return "greeting=" + greeting + ", visits=" + visits + ", transaction replies=" + replies.size()
                    + ", balance=" + balance + ", leader=" + board.get(board.size() - 1).getMember() + ", lock length=" + length;
        }
    }
}
