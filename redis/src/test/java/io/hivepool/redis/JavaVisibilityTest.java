package io.hivepool.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Kotlin compiles an {@code internal} member of a public class to a public JVM member with a mangled name
 * ({@code forNode$hivepool_redis}): Java code can call it. Every such member must be {@code @JvmSynthetic}
 * (synthetic members are invisible to javac), so the Java face is only the documented API.
 */
class JavaVisibilityTest {
    @Test
    @DisplayName("no public class of the redis module shows Java an internal member")
    void noInternalMemberIsVisibleToJava() throws Exception {
        Path classes = Paths.get(RedisPoolConfig.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(file).toString().replace('/', '.').replace('\\', '.');
                name = name.substring(0, name.length() - ".class".length());
                if (name.contains(".internal.") || name.endsWith("module-info")) continue;
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (!Modifier.isPublic(type.getModifiers())) continue;
                checked++;
                List<Member> members = new ArrayList<>();
                members.addAll(List.of(type.getDeclaredMethods()));
                members.addAll(List.of(type.getDeclaredFields()));
                members.addAll(List.of(type.getDeclaredConstructors()));
                for (Member m : members) {
                    boolean visible = Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers());
                    if (visible && !m.isSynthetic() && m.getName().contains("$hivepool")) {
                        leaks.add(type.getName() + "." + m.getName());
                    }
                }
            }
        }
        assertTrue(checked > 50, "found only " + checked + " public classes under " + classes);
        assertEquals(List.of(), leaks);
    }

    @Test
    @DisplayName("the config classes the cluster and Sentinel pools build on have no mangled member at all")
    void configClassesHaveNoMangledMember() {
        for (Class<?> type : List.of(
                RedisPoolConfig.class,
                RedisConnectionConfig.class,
                io.hivepool.redis.cluster.RedisClusterConfig.class,
                io.hivepool.redis.sentinel.RedisSentinelConfig.class)) {
            for (java.lang.reflect.Method m : type.getMethods()) {
                assertTrue(m.isSynthetic() || !m.getName().contains("$"), type.getSimpleName() + " shows Java " + m.getName());
            }
        }
    }
}
