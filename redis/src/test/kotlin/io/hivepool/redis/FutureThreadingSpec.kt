package io.hivepool.redis

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
 * completes on a pool worker, never on the thread that delivered the reply (the selector's thread, shared by every
 * connection: a Java chain or a blocking stage there would serialise or stall them all). A pool whose send parks
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
})

/** The thread's name without the " @coroutine#n" that coroutine debug mode appends. */
private fun threadName(): String = Thread.currentThread().name.substringBefore(" @")
