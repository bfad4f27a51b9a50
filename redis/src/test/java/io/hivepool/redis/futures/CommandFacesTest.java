package io.hivepool.redis.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hivepool.redis.BlockingCommands;
import io.hivepool.redis.FutureRedisBatch;
import io.hivepool.redis.FutureRedisConnection;
import io.hivepool.redis.FutureRedisPool;
import io.hivepool.redis.HashCommands;
import io.hivepool.redis.HyperLogLogCommands;
import io.hivepool.redis.KeyCommands;
import io.hivepool.redis.ListCommands;
import io.hivepool.redis.PubSubCommands;
import io.hivepool.redis.RedisCommands;
import io.hivepool.redis.ScriptingCommands;
import io.hivepool.redis.ServerCommands;
import io.hivepool.redis.SetCommands;
import io.hivepool.redis.SortedSetCommands;
import io.hivepool.redis.StreamCommands;
import io.hivepool.redis.StringCommands;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The command set exists once, in the factories; this checks that each face reaches every factory command: a
 * Kotlin extension on RedisCommands and a Java method on the pool, the leased connection and the batch.
 */
class CommandFacesTest {
    private static final List<Class<?>> FACTORIES = List.of(
            StringCommands.class, KeyCommands.class, HashCommands.class, ListCommands.class, SetCommands.class,
            SortedSetCommands.class, StreamCommands.class, BlockingCommands.class, ScriptingCommands.class,
            ServerCommands.class, PubSubCommands.class, HyperLogLogCommands.class);

    /** Factory names whose Java method has another name, or which Java reaches another way. */
    private static final Map<String, String> JAVA_NAMES = Map.of(
            "wait", "waitReplicas", // Object.wait is taken
            // a SCAN-family factory builds one page; FutureScanCommands walks them all (pool and lease only)
            "scan", "scanPage",
            "hscan", "hscanPage",
            "sscan", "sscanPage");

    private static Set<String> factoryCommands(Class<?> factory) {
        return Arrays.stream(factory.getDeclaredMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers()))
                .map(Method::getName)
                .filter(name -> !name.contains("$"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> methodNames(Class<?> type) {
        return Arrays.stream(type.getMethods()).map(Method::getName).collect(Collectors.toSet());
    }

    @Test
    @DisplayName("every factory command has a Java method on the pool, a leased connection and a batch")
    void javaFaces() {
        List<String> missing = new ArrayList<>();
        for (Class<?> face : List.of(FutureRedisPool.class, FutureRedisConnection.class, FutureRedisBatch.class)) {
            Set<String> methods = methodNames(face);
            for (Class<?> factory : FACTORIES) {
                for (String command : factoryCommands(factory)) {
                    if (!methods.contains(JAVA_NAMES.getOrDefault(command, command))) {
                        missing.add(face.getSimpleName() + "." + command);
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    @DisplayName("every factory command has a Kotlin extension on RedisCommands")
    void kotlinFace() throws ClassNotFoundException {
        List<String> missing = new ArrayList<>();
        for (Class<?> factory : FACTORIES) {
            Class<?> facade = Class.forName(factory.getName().replace("Commands", "") + facadeSuffix(factory));
            Set<String> extensions = Arrays.stream(facade.getMethods())
                    .filter(m -> m.getParameterCount() > 0 && m.getParameterTypes()[0] == RedisCommands.class)
                    .map(m -> m.getName().replaceAll("-.*", "")) // Kotlin mangles names taking a kotlin.time.Duration
                    .collect(Collectors.toSet());
            for (String command : factoryCommands(factory)) {
                if (!extensions.contains(command)) {
                    missing.add(factory.getSimpleName() + "." + command);
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    /** The Kotlin file each factory lives in: `StringCommands.kt` → `StringCommandsKt`, PubSubCommands in `PubSub.kt`. */
    private static String facadeSuffix(Class<?> factory) {
        return factory == PubSubCommands.class ? "Kt" : "CommandsKt";
    }
}
