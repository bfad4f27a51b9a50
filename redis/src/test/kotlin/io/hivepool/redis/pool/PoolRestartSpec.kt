package io.hivepool.redis.pool

import io.hivepool.redis.ping
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class PoolRestartSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("a Redis restart under load: errors while it is down, full recovery by itself, stats consistent") {
        withPool({
            uri = server.uri; maxSize = 8; clientName = "restart"; acquireTimeout = 2.seconds
            connectTimeout = 1.seconds; createBackoff = 200.milliseconds
        }) { pool ->
            val ok = AtomicLong()
            val errors = AtomicLong()
            val running = java.util.concurrent.atomic.AtomicBoolean(true)
            withContext(Dispatchers.Default) {
                coroutineScope {
                    val workers = (1..16).map {
                        launch {
                            while (running.get()) {
                                if (runCatching { pool.ping() }.isSuccess) {
                                    ok.incrementAndGet()
                                } else {
                                    errors.incrementAndGet()
                                    delay(2.milliseconds)
                                }
                            }
                        }
                    }
                    withTimeout(30.seconds) {
                        while (ok.get() < 200) delay(5.milliseconds)
                        withContext(Dispatchers.IO) { server.stop() }
                        while (errors.get() < 50) delay(5.milliseconds)
                        withContext(Dispatchers.IO) { server.restart() }
                        val okAtRestart = ok.get()
                        while (ok.get() < okAtRestart + 500) delay(5.milliseconds)
                    }
                    running.set(false)
                    workers.forEach { it.join() }
                }
            }
            errors.get() shouldBeGreaterThan 0L
            pool.ping() shouldBe "PONG"
            val stats = pool.stats
            stats.size shouldBeLessThanOrEqual 8
            stats.idle + stats.inUse + stats.creating shouldBe stats.size
            stats.inUse shouldBeLessThanOrEqual 2
            stats.destroyedBroken + stats.destroyedRecycleFailed shouldBeGreaterThan 0L
            server.clientsNamed("restart") shouldBeLessThanOrEqual 8
        }
    }
})
