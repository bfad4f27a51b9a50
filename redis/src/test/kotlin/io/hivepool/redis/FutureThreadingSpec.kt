package io.hivepool.redis

import io.hivepool.testing.RedisServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.coroutines.Continuation
import kotlin.coroutines.resume
import kotlin.coroutines.suspendCoroutine

/**
 * A pool-level command from Java is sent in the caller's thread before the future is returned, and its future
 * completes on a pool worker, never on the thread that delivered the reply (an I/O loop thread, shared by many
 * connections: a Java chain or a blocking stage there would serialise or stall them all). A pool whose send parks
 * the command lets the test choose the replying thread.
 */
class FutureThreadingSpec : FunSpec({
    test("a pool-level command from Java is sent in the caller's thread and completes on a pool worker, not the replying thread") {
        val real = redisPool { uri = "redis://127.0.0.1:1"; name = "threading" } // never dialled: send is replaced
        val sentOn = CompletableFuture<String>()
        val parked = CompletableFuture<Continuation<Any?>>()
        val parking = object : RedisPool by real {
            override suspend fun <R> send(command: Command<R>): R {
                sentOn.complete(threadName())
                @Suppress("UNCHECKED_CAST")
                return suspendCoroutine { parked.complete(it as Continuation<Any?>) }
            }
        }
        RedisPools.asFuture(parking).use { pool ->
            val completedOn = pool.get("k").thenApply { value -> "$value on ${threadName()}" }
            sentOn.getNow("not yet") shouldBe threadName()
            completedOn.isDone shouldBe false
            Thread({ parked.get(5, TimeUnit.SECONDS).resume("v") }, "replier").apply { start(); join() }
            val completed = completedOn.get(5, TimeUnit.SECONDS)
            completed shouldStartWith "v on DefaultDispatcher-worker"
        }
    }

    // The real path: on a live shared connection the command is sent in the caller's thread and its future is
    // completed from the reply (no coroutine), on a pool worker: never inside the connection's reader.
    test("on a live shared connection a Java pool-level command completes on a pool worker, outside the connection's reader") {
        RedisServer.start().use { server ->
            val config = RedisPoolConfig.builder().uri(server.uri).name("threading-real").sharedConnections(1).build()
            RedisPools.create(config).use { pool ->
                pool.set("k", "v").get(5, TimeUnit.SECONDS) // the shared connection is open from here on
                repeat(20) { i ->
                    // The server sleeps first, so the GET's future is surely pending when the stage is attached.
                    val sleep = pool.send(Command(listOf("DEBUG", "SLEEP", "0.02")) { })
                    val get = pool.get("k")
                    withClue("command $i was answered before the server woke up") { get.isDone shouldBe false }
                    val where = get.thenApply { value ->
                        val inReader = Thread.currentThread().stackTrace.any { it.className.startsWith(CONNECTION_CLASS) }
                        "$value ${threadName().substringBefore("-worker")} reader=$inReader"
                    }.get(5, TimeUnit.SECONDS)
                    withClue("command $i") { where shouldBe "v DefaultDispatcher reader=false" }
                    sleep.get(5, TimeUnit.SECONDS)
                }
                val refused = pool.send(Command(listOf("SELECT", "1")) { }).handle { _, e -> e }.get(5, TimeUnit.SECONDS)
                (refused is IllegalArgumentException) shouldBe true
                val failed = pool.send(Command(listOf("NOSUCHCOMMAND")) { }).handle { _, e -> e }.get(5, TimeUnit.SECONDS)
                (failed as RedisServerException).code shouldBe "ERR"
                pool.get("k").get(5, TimeUnit.SECONDS) shouldBe "v" // a server error leaves the shared connection as it was
            }
        }
    }

    // On a lease, a command's future completes in the reply's thread (one hand-off less for callers that join()).
    test("on a Java lease a command completes in the reply's thread, decoded; an error reply fails only its future") {
        RedisServer.start().use { server ->
            RedisPools.create(RedisPoolConfig.builder().uri(server.uri).name("threading-lease").build()).use { pool ->
                pool.set("k", "v").get(5, TimeUnit.SECONDS)
                val seen = pool.withConnection { c ->
                    val sleep = c.send(Command(listOf("DEBUG", "SLEEP", "0.02")) { })
                    val get = c.get("k")
                    val pendingWhenAttached = !get.isDone
                    val where = get.thenApply { value ->
                        val inReader = Thread.currentThread().stackTrace.any { it.className.startsWith(CONNECTION_CLASS) }
                        "$value reader=$inReader pending=$pendingWhenAttached"
                    }
                    val failed = c.send(Command(listOf("NOSUCHCOMMAND")) { }).handle { _, e -> (e as RedisServerException).code }
                    sleep.thenCompose { where }.thenCombine(failed) { w, f -> "$w error=$f" }.thenCombine(c.get("k")) { w, again -> "$w then=$again" }
                }.get(5, TimeUnit.SECONDS)
                seen shouldBe "v reader=true pending=true error=ERR then=v"
            }
        }
    }
})

private const val CONNECTION_CLASS = "io.hivepool.redis.internal.RealRedisConnection"

/** The thread's name without the " @coroutine#n" that coroutine debug mode appends. */
private fun threadName(): String = Thread.currentThread().name.substringBefore(" @")
