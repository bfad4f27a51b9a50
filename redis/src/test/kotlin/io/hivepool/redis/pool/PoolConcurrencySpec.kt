package io.hivepool.redis.pool

import io.hivepool.redis.get
import io.hivepool.redis.mset
import io.hivepool.redis.set
import io.hivepool.testing.RedisServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class PoolConcurrencySpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("64 callers, maxSize 8, random cancellations: every reply matches its key and the server never sees more than 8 connections") {
        val seed = System.nanoTime()
        withClue("seed=$seed") {
            withPool({ uri = server.uri; maxSize = 8; clientName = "conc"; sharedConnections = 2 }) { pool ->
                val keys = 1_000
                pool.mset((0 until keys).associate { "conc:$it" to "v$it" })
                val maxSeen = AtomicInteger()
                val cancelled = AtomicInteger()
                withContext(Dispatchers.Default) {
                    coroutineScope {
                        val monitor = launch {
                            while (isActive) {
                                maxSeen.accumulateAndGet(server.clientsNamed("conc"), ::maxOf)
                                delay(5.milliseconds)
                            }
                        }
                        (0 until 64).map { caller ->
                            launch {
                                val random = Random(seed + caller)
                                repeat(200) { i ->
                                    val k = random.nextInt(keys)
                                    val op: suspend () -> Unit = when (random.nextInt(10)) {
                                        in 0..5 -> { { pool.get("conc:$k") shouldBe "v$k" } }
                                        6, 7 -> { { pool.use { it.get("conc:$k") } shouldBe "v$k" } }
                                        8 -> { { pool.pipeline { queue { get("conc:$k") }; queue { get("conc:${(k + 1) % keys}") } } shouldBe listOf("v$k", "v${(k + 1) % keys}") } }
                                        else -> {
                                            {
                                                // A key per iteration: a cancelled SET may still run later, on another connection.
                                                val own = "conc:own:$caller:$i"
                                                pool.set(own, "$i")
                                                pool.use { it.get(own) } shouldBe "$i"
                                            }
                                        }
                                    }
                                    if (random.nextInt(8) == 0) {
                                        val job = launch(start = CoroutineStart.UNDISPATCHED) { op() }
                                        repeat(random.nextInt(3)) { yield() }
                                        job.cancelAndJoin()
                                        cancelled.incrementAndGet()
                                    } else {
                                        op()
                                    }
                                }
                            }
                        }.forEach { it.join() }
                        monitor.cancelAndJoin()
                    }
                }
                maxSeen.get() shouldBeLessThanOrEqual 8
                server.clientsNamed("conc") shouldBeLessThanOrEqual 8
                // A create planned for a waiter that another release served may still be on its way: it lands idle.
                withTimeout(5.seconds) { while (pool.stats.creating > 0) delay(5.milliseconds) }
                val stats = pool.stats
                stats.size shouldBeLessThanOrEqual 8
                stats.inUse shouldBeLessThanOrEqual 2 // only the shared connections stay leased
                stats.idle + stats.inUse shouldBe stats.size
                pool.get("conc:7") shouldBe "v7"
            }
        }
    }
})
