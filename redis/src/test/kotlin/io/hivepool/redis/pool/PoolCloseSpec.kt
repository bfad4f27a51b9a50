package io.hivepool.redis.pool

import io.hivepool.pool.PoolClosedException
import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisPoolConfig
import io.hivepool.redis.RedisPools
import io.hivepool.redis.blpop
import io.hivepool.redis.get
import io.hivepool.redis.incr
import io.hivepool.redis.redisPool
import io.hivepool.redis.set
import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.coroutineContext
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** After close(), and for calls caught by it, callers get PoolClosedException or a connection error: never a cancellation. */
class PoolCloseSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("pool-level commands after close() fail with PoolClosedException") {
        val pool = redisPool { uri = server.uri; maxSize = 4 }
        pool.set("close:k", "v")
        pool.close()
        repeat(100) {
            shouldThrow<PoolClosedException> { pool.get("close:k") }
        }
        shouldThrow<PoolClosedException> { pool.use { it.get("close:k") } }
        shouldThrow<PoolClosedException> { pool.blpop("close:q", timeout = 1.seconds) }
    }

    test("awaiting a future of a pool closed meanwhile throws PoolClosedException or a connection error, not a cancellation") {
        val pool = RedisPools.create(RedisPoolConfig.builder().uri(server.uri).maxSize(2).sharedConnections(1).build())
        val futures = List(2_000) { i ->
            val f = if (i % 10 == 0) pool.withConnection { conn -> conn.incr("close:f") } else pool.incr("close:f")
            if (i == 1_000) pool.close()
            f
        }
        val cancelled = futures.count { f ->
            try {
                f.await()
                false
            } catch (e: CancellationException) {
                true
            } catch (e: PoolClosedException) {
                false
            } catch (e: RedisConnectionException) {
                false
            }
        }
        cancelled shouldBe 0
    }

    test("awaiting a command in flight on a future pool that is closed meanwhile never throws a CancellationException") {
        val pool = RedisPools.create(RedisPoolConfig.builder().uri(server.uri).maxSize(2).build())
        pool.set("close:warm", "1").await() // the shared connection exists, so the next command is written at once
        val slow = pool.execute("DEBUG", "SLEEP", "0.3")
        pool.close()
        val outcome = runCatching { slow.await() }.exceptionOrNull()
        withClue("$outcome") { (outcome == null || outcome is RedisConnectionException) shouldBe true }
    }

    test("awaiting a future lease that is still in use when its pool closes gives the block's own result") {
        val pool = RedisPools.create(RedisPoolConfig.builder().uri(server.uri).maxSize(2).build())
        val leased = CompletableDeferred<Unit>()
        val gate = CompletableFuture<String>()
        val held = pool.withConnection { _ -> leased.complete(Unit); gate }
        leased.await()
        pool.close()
        gate.complete("done")
        held.await() shouldBe "done"
    }

    test("callers racing close() get PoolClosedException or a connection error, never a CancellationException") {
        repeat(6) { round ->
            val pool = redisPool { uri = server.uri; maxSize = 4; sharedConnections = 2; name = "racing-$round" }
            val started = AtomicInteger()
            val unexpected = ConcurrentLinkedQueue<Throwable>()
            withContext(Dispatchers.Default) {
                val callers = List(32) { i ->
                    async(start = CoroutineStart.UNDISPATCHED) {
                        var failures = 0
                        while (failures < 20) {
                            try {
                                when (i % 6) {
                                    0 -> pool.use { it.incr("close:n") }
                                    1 -> pool.pipeline { queue { incr("close:n") } }
                                    2 -> pool.transaction { multi { queue { incr("close:n") } } }
                                    3 -> pool.use { delay(2.milliseconds); it.incr("close:n") } // keeps others waiting for a lease
                                    else -> pool.incr("close:n")
                                }
                                started.incrementAndGet()
                            } catch (e: PoolClosedException) {
                                failures++
                            } catch (e: RedisConnectionException) {
                                failures++ // a command in flight on a connection the closing pool destroyed
                            } catch (e: CancellationException) {
                                if (!coroutineContext.isActive) throw e
                                unexpected += e
                                failures++
                            }
                        }
                    }
                }
                // even rounds close while connections are still being created, odd ones once traffic flows
                if (round % 2 == 1) while (started.get() < 200) delay(1.milliseconds)
                launch { if (round % 3 == 0) pool.close(grace = 50.milliseconds) else pool.close() }
                callers.awaitAll()
            }
            withClue("round $round: ${unexpected.take(3).map { it.toString() }}") {
                unexpected.shouldBeEmpty()
            }
        }
    }
})
