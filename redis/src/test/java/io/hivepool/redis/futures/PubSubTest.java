package io.hivepool.redis.futures;

import static io.hivepool.redis.futures.JavaPools.await;
import static io.hivepool.redis.futures.JavaPools.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.PubSubMessage;
import io.hivepool.redis.RedisSubscription;
import io.hivepool.testing.RedisServerJUnitExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pub/sub from Java: a listener and a closeable subscription. */
class PubSubTest {
    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension();

    private static List<PubSubMessage> take(BlockingQueue<PubSubMessage> queue, int n) throws InterruptedException {
        List<PubSubMessage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PubSubMessage m = queue.poll(10, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("only " + out.size() + " of " + n + " messages arrived");
            }
            out.add(m);
        }
        return out;
    }

    @Test
    @DisplayName("a listener gets the channel's messages in order; closing unsubscribes and returns the connection")
    void subscribe() throws Exception {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-sub")) {
            BlockingQueue<PubSubMessage> received = new LinkedBlockingQueue<>();
            RedisSubscription subscription = pool.subscribe(received::add, "ps:news");
            awaitTrue(() -> pool.pubsubNumsub("ps:news").join().get("ps:news") == 1L);
            for (int i = 0; i < 20; i++) {
                assertEquals(1L, await(pool.publish("ps:news", "m" + i)));
            }
            List<PubSubMessage> got = take(received, 20);
            for (int i = 0; i < 20; i++) {
                assertEquals("m" + i, got.get(i).getPayload());
                assertEquals("ps:news", got.get(i).getChannel());
            }
            subscription.close();
            await(subscription.getDone());
            assertEquals(0L, await(pool.pubsubNumsub("ps:news")).get("ps:news"));
            assertEquals(1, pool.getStats().getInUse()); // only the shared connection; the subscriber's went back
        }
    }

    @Test
    @DisplayName("a pattern listener sees which pattern matched")
    void psubscribe() throws Exception {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-psub")) {
            BlockingQueue<PubSubMessage> received = new LinkedBlockingQueue<>();
            try (RedisSubscription ignored = pool.psubscribe(received::add, "ps:orders.*")) {
                awaitTrue(() -> pool.pubsubNumpat().join() == 1L);
                await(pool.publish("ps:orders.eu", "o1"));
                PubSubMessage m = take(received, 1).get(0);
                assertEquals("ps:orders.*", m.getPattern());
                assertEquals("ps:orders.eu", m.getChannel());
                assertEquals("o1", m.getPayload());
            }
            awaitTrue(() -> pool.pubsubNumpat().join() == 0L);
        }
    }

    @Test
    @DisplayName("a listener that throws ends its subscription, and done reports the exception")
    void throwingListener() {
        try (FutureRedisPool pool = JavaPools.pool(redis, "java-sub-throw")) {
            RedisSubscription subscription = pool.subscribe(m -> {
                throw new IllegalStateException("listener failed on " + m.getPayload());
            }, "ps:bad");
            awaitTrue(() -> pool.pubsubNumsub("ps:bad").join().get("ps:bad") == 1L);
            await(pool.publish("ps:bad", "boom"));
            ExecutionException e = assertThrows(ExecutionException.class, () -> subscription.getDone().get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals("listener failed on boom", e.getCause().getMessage());
            awaitTrue(() -> pool.pubsubNumsub("ps:bad").join().get("ps:bad") == 0L);
            assertTrue(subscription.getDone().isCompletedExceptionally());
        }
    }
}
