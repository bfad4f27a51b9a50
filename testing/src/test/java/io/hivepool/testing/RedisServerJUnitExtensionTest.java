package io.hivepool.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.ConnectException;
import java.net.Socket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit 5 extension, used from Java as a Java user would. */
class RedisServerJUnitExtensionTest {

    @RegisterExtension
    static RedisServerJUnitExtension redis = new RedisServerJUnitExtension(options -> {
        options.setPassword("java-secret");
    });

    @Test
    @DisplayName("the server is up before the first test, with the options given in Java")
    void serverIsUpWithTheOptions() {
        RedisServer server = redis.getServer();
        assertEquals("PONG", server.command("PING"));
        assertEquals("redis://default:java-secret@127.0.0.1:" + server.getPort(), server.getUri());
    }

    @Test
    @DisplayName("fault controls work from Java")
    void faultControlsWorkFromJava() {
        RedisServer server = redis.getServer();
        server.stop();
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", server.getPort()).close());
        server.restart();
        assertEquals("PONG", server.command("PING"));
    }

    @Nested
    @DisplayName("a nested class")
    class NestedTests {
        @Test
        @DisplayName("shares the outer class's server")
        void sharesTheServer() {
            assertEquals("PONG", redis.getServer().command("PING"));
        }
    }

    @Test
    @DisplayName("the no-argument constructor is usable from Java")
    void defaultConstructor() {
        RedisServerJUnitExtension extension = new RedisServerJUnitExtension();
        IllegalStateException e = assertThrows(IllegalStateException.class, extension::getServer);
        assertEquals("no Redis server: register RedisServerJUnitExtension on a static field with @RegisterExtension, "
                + "and use it only while the test class runs", e.getMessage());
    }
}
