package io.hivepool.ktor

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import java.lang.reflect.Modifier

/**
 * Kotlin compiles an `internal` member of a public class to a public JVM member (`resolvePool$hivepool_ktor`), and
 * a top-level `internal fun` to a public static method of its file class: Java could call both. They carry
 * `@JvmSynthetic`, which javac does not see, so Java sees only the documented plugin API.
 */
class JavaVisibilitySpec : FunSpec({
    test("the plugin's public classes show Java no internal member") {
        val types = listOf(
            RedisPluginConfig::class.java,
            RedisClusterPluginConfig::class.java,
            Class.forName("io.hivepool.ktor.RedisHealthKt"),
            Class.forName("io.hivepool.ktor.RedisClusterHealthKt"),
            Class.forName("io.hivepool.ktor.RedisPluginKt"),
            Class.forName("io.hivepool.ktor.RedisClusterPluginKt"),
        )
        val internals = setOf("toJson", "jsonString")
        val leaks = types.flatMap { type ->
            type.declaredMethods.filter { m ->
                Modifier.isPublic(m.modifiers) && !m.isSynthetic && ("\$hivepool" in m.name || m.name in internals)
            }.map { "${type.simpleName}.${it.name}" }
        }
        leaks.shouldBeEmpty()
    }
})
