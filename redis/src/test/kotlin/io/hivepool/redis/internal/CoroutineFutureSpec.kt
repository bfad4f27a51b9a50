package io.hivepool.redis.internal

import io.hivepool.redis.RedisPools
import io.hivepool.redis.redisPool
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.currentCoroutineContext
import java.util.concurrent.CancellationException
import java.util.concurrent.TimeUnit
import kotlin.coroutines.coroutineContext

/**
 * The Java faces' calls ([start] in a [DetachedScope]): a call's coroutine starts in the caller's thread, has no
 * parent Job to register with, and is stopped by a completion of its future from outside.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class CoroutineFutureSpec : FunSpec({
    test("a call started in a DetachedScope runs in the caller's thread and its coroutine has no parent") {
        val scope = DetachedScope(Dispatchers.Unconfined)
        val future = scope.start { Thread.currentThread() to currentCoroutineContext()[Job]!!.parent }
        future.get(5, TimeUnit.SECONDS) shouldBe (Thread.currentThread() to null)
    }

    test("a DetachedScope refuses a context with a Job") {
        shouldThrow<IllegalArgumentException> { DetachedScope(Job() + Dispatchers.Unconfined) }
            .message shouldContain "no Job"
    }

    test("completing a call's future from outside cancels its coroutine") {
        val job = CompletableDeferred<Job>()
        val future = DetachedScope(Dispatchers.Unconfined).start {
            job.complete(coroutineContext[Job]!!)
            awaitCancellation()
        }
        future.cancel(false) shouldBe true
        job.await().isCancelled shouldBe true
        shouldThrow<CancellationException> { future.join() }
    }

    test("the Java face runs its calls in scopes with no Job") {
        val real = redisPool { uri = "redis://127.0.0.1:1"; name = "detached" } // never dialled
        val face = RedisPools.asFuture(real) as RealFutureRedisPool
        face.use {
            face.scope.coroutineContext[Job] shouldBe null
            face.commands.coroutineContext[Job] shouldBe null
        }
    }
})
