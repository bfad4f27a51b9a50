package io.hivepool.redis.pool

import io.hivepool.redis.get
import io.hivepool.redis.set
import io.hivepool.redis.select
import io.hivepool.testing.RedisServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.yield
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random

/**
 * Issue 9 (6): a borrower cancelled while its connection is checked out (PING, or RESET after a dirty lease) does
 * not make the connection broken: the connection drops the reply itself, so the pool keeps it.
 */
class CheckoutCancellationSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("borrowers cancelled at random during checkout PINGs destroy no healthy connection, and every reply still matches") {
        val seed = Random.nextLong()
        withClue("seed=$seed") {
            withPool({ uri = server.uri; maxSize = 4; checkOnRecycle = true; name = "checkout" }) { pool ->
                pool.set("checkout:k", "v")
                val cancelled = AtomicInteger()
                withContext(Dispatchers.Default) {
                    coroutineScope {
                        repeat(16) { caller ->
                            launch {
                                val random = Random(seed + caller)
                                repeat(150) {
                                    val job = launch(start = CoroutineStart.UNDISPATCHED) { pool.use { it.get("checkout:k") } shouldBe "v" }
                                    if (random.nextInt(3) == 0) {
                                        repeat(random.nextInt(4)) { yield() }
                                        job.cancelAndJoin()
                                        cancelled.incrementAndGet()
                                    } else {
                                        job.join()
                                    }
                                }
                            }
                        }
                    }
                }
                cancelled.get() shouldBeGreaterThan 0
                // Cancelled while holding the lease (after checkout) is a discard, counted as broken; never a failed recycle.
                pool.stats.destroyedRecycleFailed shouldBe 0L
                pool.use { it.get("checkout:k") } shouldBe "v"
            }
        }
    }

    test("a RESET cut short by its borrower's cancellation leaves the connection pooled, and the next borrower finds it clean") {
        val seed = Random.nextLong()
        withClue("seed=$seed") {
            withPool({ uri = server.uri; maxSize = 2; sharedConnections = 1; name = "reset-cut" }) { pool ->
                pool.set("reset:k", "db0")
                val random = Random(seed)
                withContext(Dispatchers.Default) {
                    repeat(100) {
                        pool.use { it.select(1) } // leaves the connection dirty: the next borrow RESETs it
                        val job = launch(start = CoroutineStart.UNDISPATCHED) { pool.use { it.get("reset:k") } }
                        repeat(random.nextInt(3)) { yield() }
                        job.cancelAndJoin()
                        pool.use { it.get("reset:k") } shouldBe "db0" // back on db 0 whatever was cut short
                    }
                }
                pool.stats.destroyedRecycleFailed shouldBe 0L
            }
        }
    }
})
