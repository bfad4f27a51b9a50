package io.hivepool.pool

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/** Every knob has a documented default, and every invalid value is refused with a message naming field, value and rule. */
class PoolConfigSpec : FunSpec({

    class Invalid(val field: String, val value: String, val configure: PoolConfig.Builder.() -> Unit)

    val invalid = listOf(
        Invalid("name", "\"  \"") { name = "  " },
        Invalid("maxSize", "0") { maxSize = 0 },
        Invalid("maxSize", "-3") { maxSize = -3 },
        Invalid("minIdle", "-1") { minIdle = -1 },
        Invalid("minIdle", "5") { maxSize = 4; minIdle = 5 },
        Invalid("maxIdle", "1") { minIdle = 2; maxIdle = 1 },
        Invalid("idleTimeout", "0s") { idleTimeout = Duration.ZERO },
        Invalid("idleTimeout", "-1s") { idleTimeout = (-1).seconds },
        Invalid("ttl.lifetime", "0s") { ttl = simple(Duration.ZERO) },
        Invalid("ttl.min", "-5s") { ttl = fuzzy((-5).seconds, 1.seconds) },
        Invalid("ttl.fuzz", "-1s") { ttl = fuzzy(10.seconds, (-1).seconds) },
        Invalid("acquireTimeout", "0s") { acquireTimeout = Duration.ZERO },
        Invalid("createTimeout", "0s") { createTimeout = Duration.ZERO },
        Invalid("recycleTimeout", "-2s") { recycleTimeout = (-2).seconds },
        Invalid("validateAfterIdle", "-1s") { validateAfterIdle = (-1).seconds },
        Invalid("maxWaiters", "-1") { maxWaiters = -1 },
        Invalid("cleanupInterval", "0s") { cleanupInterval = Duration.ZERO },
        Invalid("leakDetectionThreshold", "0s") { leakDetectionThreshold = Duration.ZERO },
        Invalid("createFailureThreshold", "0") { createFailureThreshold = 0 },
        Invalid("createBackoff", "0s") { createBackoff = Duration.ZERO },
    )

    invalid.forEach { case ->
        test("${case.field} of ${case.value} is refused with a message naming the field, the rule and the value") {
            val error = shouldThrow<IllegalArgumentException> { PoolConfig.Builder().apply(case.configure).build() }
            error.message!! shouldStartWith "${case.field} must be"
            error.message!! shouldContain "was ${case.value}"
        }
    }

    test("the minIdle message names the maxSize it must fit under") {
        val error = shouldThrow<IllegalArgumentException> { PoolConfig.Builder().apply { maxSize = 4; minIdle = 5 }.build() }
        error.message shouldBe "minIdle must be between 0 and maxSize (4), was 5"
    }

    test("the Pool factory refuses an invalid configuration too") {
        val error = shouldThrow<IllegalArgumentException> { Pool(FakeManager()) { maxSize = 0 } }
        error.message shouldBe "maxSize must be > 0, was 0"
    }

    test("every knob has its documented default") {
        val config = PoolConfig.Builder().build()
        config.name shouldBe "hivepool"
        config.maxSize shouldBe 10
        config.minIdle shouldBe 0
        config.maxIdle shouldBe Int.MAX_VALUE
        config.idleTimeout shouldBe 10.minutes
        config.ttl shouldBe null
        config.acquireTimeout shouldBe 30.seconds
        config.createTimeout shouldBe 10.seconds
        config.recycleTimeout shouldBe 5.seconds
        config.validateAfterIdle shouldBe Duration.ZERO
        config.order shouldBe Order.LIFO
        config.whenExhausted shouldBe WhenExhausted.WAIT
        config.maxWaiters shouldBe Int.MAX_VALUE
        config.cleanupInterval shouldBe 30.seconds
        config.leakDetectionThreshold shouldBe Duration.INFINITE
        config.createFailureThreshold shouldBe 3
        config.createBackoff shouldBe 1.seconds
        config.timeSource shouldBe TimeSource.Monotonic
        config.scope shouldBe null
    }

    test("boundary values are accepted") {
        val config = PoolConfig.Builder().apply {
            maxSize = 1; minIdle = 1; maxIdle = 1; validateAfterIdle = Duration.ZERO; maxWaiters = 0
            acquireTimeout = Duration.INFINITE; idleTimeout = Duration.INFINITE; ttl = fuzzy(1.seconds, Duration.ZERO)
        }.build()
        config.maxSize shouldBe 1
        config.maxWaiters shouldBe 0
    }

    test("ttl helpers build the matching Ttl") {
        simple(5.seconds) shouldBe Ttl.Simple(5.seconds)
        fuzzy(5.seconds, 2.seconds) shouldBe Ttl.Fuzzy(5.seconds, 2.seconds)
        once() shouldBe Ttl.Once
    }

    test("toBuilder round-trips every knob") {
        val config = PoolConfig.Builder().apply {
            name = "orders"; maxSize = 7; minIdle = 2; maxIdle = 5; ttl = once(); order = Order.FIFO
            whenExhausted = WhenExhausted.FAIL; maxWaiters = 9; createFailureThreshold = 4
        }.build()
        config.toBuilder().build().toString() shouldBe config.toString()
    }
})
