package io.hivepool.redis.sentinel

import io.hivepool.redis.get
import io.hivepool.redis.sentinel.internal.RealRedisSentinelPool
import io.hivepool.redis.set
import io.hivepool.testing.RedisSentinelGroup
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class SentinelSpec : FunSpec({
    val group = RedisSentinelGroup.start { replicas = 1; sentinels = 3; downAfterMillis = 1_000 }
    afterSpec { group.close() }

    fun masterOf(pool: io.hivepool.redis.RedisPool) = (pool as RealRedisSentinelPool).masterAddress

    test("the pool finds the master through the sentinels and sends every command to it") {
        val pool = redisSentinel { sentinels = group.sentinelUris; masterName = group.masterName; name = "sentinel-basic" }
        try {
            masterOf(pool) shouldBe "127.0.0.1:${group.primary().port}"
            pool.set("s:k", "v") shouldBe true
            pool.get("s:k") shouldBe "v"
            group.primary().command("GET", "s:k") shouldBe "v"
        } finally {
            pool.close()
        }
    }

    test("a master name no sentinel knows fails with an error saying so") {
        val e = shouldThrow<RedisSentinelException> { redisSentinel { sentinels = group.sentinelUris.take(1); masterName = "nosuch" } }
        e.message shouldBe "no sentinel named a master for 'nosuch' that answers ROLE as master " +
            "(127.0.0.1:${group.sentinels[0].port}: does not know 'nosuch')"
    }

    test("bad settings are refused naming the field") {
        shouldThrow<IllegalArgumentException> { RedisSentinelConfig.builder().masterName("m").build() }.message shouldBe
            "sentinels must name at least one sentinel, e.g. sentinels = listOf(\"redis://10.0.0.1:26379\")"
        shouldThrow<IllegalArgumentException> { RedisSentinelConfig.builder().sentinels("127.0.0.1:1").build() }.message shouldBe
            "masterName must not be blank: give the name the sentinels monitor the master under"
    }

    test("a forced failover reaches the pool through +switch-master and new commands go to the new master") {
        val pool = redisSentinel { sentinels = group.sentinelUris; masterName = group.masterName; name = "sentinel-switch" }
        try {
            pool.set("s:before", "1")
            val promoted = withContext(Dispatchers.IO) { group.failover() }
            withTimeout(10.seconds) { while (masterOf(pool) != "127.0.0.1:${promoted.port}") delay(5.milliseconds) }
            pool.set("s:after", "2") shouldBe true
            promoted.command("GET", "s:after") shouldBe "2"
            promoted.command("GET", "s:before") shouldBe "1"
        } finally {
            pool.close()
        }
    }

    test("a master killed under load is failed over and the pool follows by itself, holding no caller past commandTimeout") {
        val commandTimeout = 2.seconds
        val pool = redisSentinel {
            sentinels = group.sentinelUris
            masterName = group.masterName
            name = "sentinel-kill"
            node { maxSize = 8; this.commandTimeout = commandTimeout; connectTimeout = 1.seconds }
        }
        val victim = group.primary()
        class Op(val start: Long, val end: Long, val error: String?)
        val ops = ConcurrentLinkedQueue<Op>()
        val switchedAt = AtomicLong(0)
        val firstSuccessAfterSwitch = AtomicLong(0)
        val loops = (0 until 16).map { loop ->
            launch(Dispatchers.Default) {
                var n = 0
                while (isActive) {
                    n++
                    val start = System.nanoTime()
                    val error = try {
                        pool.set("s:load:$loop", "$n")
                        null
                    } catch (e: CancellationException) {
                        throw e
                    } catch (e: Exception) {
                        e.toString()
                    }
                    val end = System.nanoTime()
                    ops += Op(start, end, error)
                    if (error == null && switchedAt.get() != 0L && start > switchedAt.get()) firstSuccessAfterSwitch.compareAndSet(0, end)
                    if (error != null) delay(10.milliseconds) // a caller that failed tries again a little later
                }
            }
        }
        while (ops.size < 300) delay(1.milliseconds)
        val killedAt = System.nanoTime()
        withContext(Dispatchers.IO) { victim.kill() }
        withTimeout(30.seconds) {
            while (withContext(Dispatchers.IO) { runCatching { group.primary() }.getOrNull() } == victim) delay(5.milliseconds)
            switchedAt.set(System.nanoTime())
            while (firstSuccessAfterSwitch.get() == 0L) delay(1.milliseconds)
        }
        val settled = ops.size
        while (ops.size < settled + 300) delay(1.milliseconds)
        loops.forEach { it.cancelAndJoin() }
        val all = ops.toList()
        val errors = all.filter { it.error != null }
        println(
            "sentinel failover under load: switch ${(switchedAt.get() - killedAt) / 1_000_000} ms after the kill; first success " +
                "${(firstSuccessAfterSwitch.get() - switchedAt.get()) / 1_000_000} ms after the switch; ${all.size} commands, " +
                "${errors.size} failed, longest ${all.maxOf { it.end - it.start } / 1_000_000} ms",
        )
        all.maxOf { it.end - it.start } shouldBeLessThan (commandTimeout + 500.milliseconds).inWholeNanoseconds
        // commands in flight when the master died fail with it; none that was over before
        errors.filter { it.end < killedAt }.map { it.error } shouldBe emptyList()
        // errors only while the master was down: none for commands started once the sentinels had switched and the
        // pool had seen it (allow the pool 1 s to learn of the switch)
        errors.filter { it.start > switchedAt.get() + 1.seconds.inWholeNanoseconds }
            .map { "${(it.start - switchedAt.get()) / 1_000_000} ms after the switch: ${it.error}" } shouldBe emptyList()
        masterOf(pool) shouldBe "127.0.0.1:${group.primary().port}"
        pool.close()
        withContext(Dispatchers.IO) {
            victim.restart()
            group.awaitHealthy()
        }
        victim.command("ROLE") shouldContain "slave"
    }
})
