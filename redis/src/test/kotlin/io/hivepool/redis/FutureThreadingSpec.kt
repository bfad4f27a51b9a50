package io.hivepool.redis

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit
import kotlin.coroutines.Continuation
import kotlin.coroutines.resume
import kotlin.coroutines.suspendCoroutine

/**
 * The Java face adds no thread hand-off: a command is sent in the caller's thread before the future is returned,
 * and the future completes in the thread that delivered the reply. A pool whose send parks the command lets the
 * test choose that thread.
 */
class FutureThreadingSpec : FunSpec({
    test("a command from Java is sent in the caller's thread, and its future completes in the thread of the reply") {
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
            completedOn.get(5, TimeUnit.SECONDS) shouldBe "v on replier"
        }
    }
})

/** The thread's name without the " @coroutine#n" that coroutine debug mode appends. */
private fun threadName(): String = Thread.currentThread().name.substringBefore(" @")
