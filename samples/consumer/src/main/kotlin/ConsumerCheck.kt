import io.hivepool.testing.RedisServer
import io.ktor.client.request.get
import io.ktor.client.statement.bodyAsText
import io.ktor.server.testing.testApplication
import kotlinx.coroutines.runBlocking

/**
 * Runs the README's quick starts (compiled from the README by ./run) against a throwaway Redis; any mismatch
 * throws, which fails the Maven build.
 */
fun main() {
    val redis = RedisServer.start()
    try {
        val kotlin = runBlocking { quickStart(redis.uri) }
        check(kotlin == "hello, visit 1") { "Kotlin quick start returned '$kotlin'" }

        JavaQuickStart.run(redis.uri)
        check(redis.command("GET", "java:greeting") == "hello from Java") { "Java quick start did not write its greeting" }

        testApplication {
            application { quickStartModule(redis.uri) }
            val visits = client.get("/visits").bodyAsText()
            check(visits == "visit #2") { "Ktor quick start answered '$visits'" }
            val health = client.get("/health/redis").bodyAsText()
            check(health.startsWith("{\"status\":\"UP\"")) { "Ktor health route answered '$health'" }
        }
        println("consumer check: the Kotlin, Java and Ktor quick starts ran")
    } finally {
        redis.close()
    }
}
