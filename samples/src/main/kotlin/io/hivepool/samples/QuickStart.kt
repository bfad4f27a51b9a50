package io.hivepool.samples

import io.hivepool.ktor.Redis
import io.hivepool.ktor.redis
import io.hivepool.ktor.redisHealth
import io.hivepool.ktor.redisPool
import io.hivepool.redis.get
import io.hivepool.redis.incr
import io.hivepool.redis.redisPool
import io.hivepool.redis.set
import io.ktor.server.application.Application
import io.ktor.server.application.install
import io.ktor.server.http.HttpRequestLifecycle
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.routing
import kotlin.time.Duration.Companion.minutes

// The README's quick starts, compiled and run by QuickStartSpec so that they stay true.

/** The Kotlin quick start: pool-level commands, an exclusive lease, close. */
suspend fun quickStart(redisUri: String): String {
    val pool = redisPool {
        uri = redisUri
        maxSize = 8
    }
    try {
        pool.set("greeting", "hello", expire = 10.minutes) // pool-level: no lease, multiplexed
        val greeting = pool.get("greeting")
        val visits = pool.use { conn -> conn.incr("visits") } // an exclusive lease for the block
        return "$greeting, visit $visits"
    } finally {
        pool.close()
    }
}

/** The Ktor quick start: the plugin owns the pool; `call.redis()` is the call's lease. */
fun Application.quickStartModule(redisUri: String) {
    install(HttpRequestLifecycle) { cancelCallOnClose = true } // a call whose client left is cancelled
    install(Redis) {
        uri = redisUri
        maxSize = 16
    }
    routing {
        get("/visits") {
            val visits = call.redis().incr("visits") // leased on first use, released when the call ends
            call.respondText("visit #$visits")
        }
        get("/greeting") {
            call.respondText(call.application.redisPool.get("greeting") ?: "none") // pool-level, no lease
        }
        redisHealth("/health/redis")
    }
}
