package io.hivepool.pool

import kotlinx.coroutines.CoroutineScope
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource
import kotlin.time.toKotlinDuration

/**
 * The immutable configuration of a [Pool]; build it with [Builder] (Kotlin `Pool(manager) { maxSize = 8 }`,
 * Java `PoolConfig.builder().maxSize(8).build()`). Every knob is described on [Builder].
 */
public class PoolConfig private constructor(b: Builder) {
    /** See [Builder.name]. */
    public val name: String = b.name

    /** See [Builder.maxSize]. */
    public val maxSize: Int = b.maxSize

    /** See [Builder.minIdle]. */
    public val minIdle: Int = b.minIdle

    /** See [Builder.maxIdle]. */
    public val maxIdle: Int = b.maxIdle

    /** See [Builder.idleTimeout]. */
    public val idleTimeout: Duration = b.idleTimeout

    /** See [Builder.ttl]. */
    public val ttl: Ttl? = b.ttl

    /** See [Builder.acquireTimeout]. */
    public val acquireTimeout: Duration = b.acquireTimeout

    /** See [Builder.createTimeout]. */
    public val createTimeout: Duration = b.createTimeout

    /** See [Builder.recycleTimeout]. */
    public val recycleTimeout: Duration = b.recycleTimeout

    /** See [Builder.validateAfterIdle]. */
    public val validateAfterIdle: Duration = b.validateAfterIdle

    /** See [Builder.order]. */
    public val order: Order = b.order

    /** See [Builder.whenExhausted]. */
    public val whenExhausted: WhenExhausted = b.whenExhausted

    /** See [Builder.maxWaiters]. */
    public val maxWaiters: Int = b.maxWaiters

    /** See [Builder.cleanupInterval]. */
    public val cleanupInterval: Duration = b.cleanupInterval

    /** See [Builder.leakDetectionThreshold]. */
    public val leakDetectionThreshold: Duration = b.leakDetectionThreshold

    /** See [Builder.createFailureThreshold]. */
    public val createFailureThreshold: Int = b.createFailureThreshold

    /** See [Builder.createBackoff]. */
    public val createBackoff: Duration = b.createBackoff

    /** See [Builder.timeSource]. */
    public val timeSource: TimeSource.WithComparableMarks = b.timeSource

    /** See [Builder.scope]. */
    public val scope: CoroutineScope? = b.scope

    /** A builder holding this configuration, to derive a changed copy. */
    public fun toBuilder(): Builder = Builder().also { n ->
        n.name = name; n.maxSize = maxSize; n.minIdle = minIdle; n.maxIdle = maxIdle
        n.idleTimeout = idleTimeout; n.ttl = ttl; n.acquireTimeout = acquireTimeout
        n.createTimeout = createTimeout; n.recycleTimeout = recycleTimeout
        n.validateAfterIdle = validateAfterIdle; n.order = order; n.whenExhausted = whenExhausted
        n.maxWaiters = maxWaiters; n.cleanupInterval = cleanupInterval
        n.leakDetectionThreshold = leakDetectionThreshold; n.createFailureThreshold = createFailureThreshold
        n.createBackoff = createBackoff; n.timeSource = timeSource; n.scope = scope
    }

    override fun toString(): String =
        "PoolConfig(name=$name, maxSize=$maxSize, minIdle=$minIdle, maxIdle=$maxIdle, idleTimeout=$idleTimeout, " +
            "ttl=$ttl, acquireTimeout=$acquireTimeout, createTimeout=$createTimeout, recycleTimeout=$recycleTimeout, " +
            "validateAfterIdle=$validateAfterIdle, order=$order, whenExhausted=$whenExhausted, " +
            "maxWaiters=$maxWaiters, cleanupInterval=$cleanupInterval, " +
            "leakDetectionThreshold=$leakDetectionThreshold, createFailureThreshold=$createFailureThreshold, " +
            "createBackoff=$createBackoff)"

    /** Java entry point. */
    public companion object {
        /** A builder with every default, for Java: `PoolConfig.builder().maxSize(8).build()`. */
        @JvmStatic
        public fun builder(): Builder = Builder()
    }

    /**
     * Mutable knobs with their defaults; [build] validates them and throws IllegalArgumentException with a
     * message `<field> must be <rule>, was <value>`. Fluent setters taking java.time.Duration are for Java.
     */
    public class Builder {
        /** Used in messages and logs; not blank. Default "hivepool". */
        public var name: String = "hivepool"

        /** Most connections alive at once (idle + leased + being created); > 0. Default 10. */
        public var maxSize: Int = 10

        /** Idle connections the pool keeps warm in the background; 0..maxSize. Default 0. */
        public var minIdle: Int = 0

        /** Most idle connections kept; extra returned ones are destroyed; >= minIdle. Default Int.MAX_VALUE (= maxSize). */
        public var maxIdle: Int = Int.MAX_VALUE

        /** An idle connection above minIdle is destroyed after this long; > 0, INFINITE = never. Default 10 minutes. */
        public var idleTimeout: Duration = 10.minutes

        /** Maximum lifetime of a connection; null = unlimited. Default null. */
        public var ttl: Ttl? = null

        /** How long [Pool.acquire] waits; > 0, INFINITE allowed. Default 30 seconds. */
        public var acquireTimeout: Duration = 30.seconds

        /** Bound on one [ConnectionManager.create]; > 0. Default 10 seconds. */
        public var createTimeout: Duration = 10.seconds

        /** Bound on one [ConnectionManager.recycle]; > 0. Default 5 seconds. */
        public var recycleTimeout: Duration = 5.seconds

        /** Recycle on borrow only when idle at least this long; >= 0, ZERO = every borrow, INFINITE = never. Default ZERO. */
        public var validateAfterIdle: Duration = Duration.ZERO

        /** Which idle connection goes out next. Default LIFO. */
        public var order: Order = Order.LIFO

        /** Wait or fail when nothing is free. Default WAIT. */
        public var whenExhausted: WhenExhausted = WhenExhausted.WAIT

        /** Most callers queued at once; >= 0 (0 = never wait). Default Int.MAX_VALUE. */
        public var maxWaiters: Int = Int.MAX_VALUE

        /** Longest pause between two reaper passes; > 0. Default 30 seconds. */
        public var cleanupInterval: Duration = 30.seconds

        /** A lease held longer than this is logged once at WARN as a probable leak; > 0, INFINITE = off (default). */
        public var leakDetectionThreshold: Duration = Duration.INFINITE

        /** Consecutive create failures after which the pool fails fast; > 0. Default 3. */
        public var createFailureThreshold: Int = 3

        /** Fail-fast window after createFailureThreshold failures; one probe dials per window; > 0. Default 1 second. */
        public var createBackoff: Duration = 1.seconds

        /** The clock for every duration the pool measures (inject a test clock). Default TimeSource.Monotonic. */
        public var timeSource: TimeSource.WithComparableMarks = TimeSource.Monotonic

        /**
         * Where background work (create, destroy, reaper, min-idle filler, dial probe) runs; the pool's jobs
         * are children of this scope's Job. null (default) = the pool owns a scope on Dispatchers.Default.
         */
        public var scope: CoroutineScope? = null

        /** Java: sets [name]. */
        public fun name(value: String): Builder = apply { name = value }

        /** Java: sets [maxSize]. */
        public fun maxSize(value: Int): Builder = apply { maxSize = value }

        /** Java: sets [minIdle]. */
        public fun minIdle(value: Int): Builder = apply { minIdle = value }

        /** Java: sets [maxIdle]. */
        public fun maxIdle(value: Int): Builder = apply { maxIdle = value }

        /** Java: sets [idleTimeout]. */
        public fun idleTimeout(value: java.time.Duration): Builder = apply { idleTimeout = value.toKotlinDuration() }

        /** Java: sets [ttl]. */
        public fun ttl(value: Ttl?): Builder = apply { ttl = value }

        /** Java: sets [ttl] to a [Ttl.Simple] of [lifetime]. */
        public fun ttl(lifetime: java.time.Duration): Builder = apply { ttl = Ttl.Simple(lifetime.toKotlinDuration()) }

        /** Java: sets [acquireTimeout]. */
        public fun acquireTimeout(value: java.time.Duration): Builder = apply { acquireTimeout = value.toKotlinDuration() }

        /** Java: sets [createTimeout]. */
        public fun createTimeout(value: java.time.Duration): Builder = apply { createTimeout = value.toKotlinDuration() }

        /** Java: sets [recycleTimeout]. */
        public fun recycleTimeout(value: java.time.Duration): Builder = apply { recycleTimeout = value.toKotlinDuration() }

        /** Java: sets [validateAfterIdle]. */
        public fun validateAfterIdle(value: java.time.Duration): Builder =
            apply { validateAfterIdle = value.toKotlinDuration() }

        /** Java: sets [order]. */
        public fun order(value: Order): Builder = apply { order = value }

        /** Java: sets [whenExhausted]. */
        public fun whenExhausted(value: WhenExhausted): Builder = apply { whenExhausted = value }

        /** Java: sets [maxWaiters]. */
        public fun maxWaiters(value: Int): Builder = apply { maxWaiters = value }

        /** Java: sets [cleanupInterval]. */
        public fun cleanupInterval(value: java.time.Duration): Builder = apply { cleanupInterval = value.toKotlinDuration() }

        /** Java: sets [leakDetectionThreshold]. */
        public fun leakDetectionThreshold(value: java.time.Duration): Builder =
            apply { leakDetectionThreshold = value.toKotlinDuration() }

        /** Java: sets [createFailureThreshold]. */
        public fun createFailureThreshold(value: Int): Builder = apply { createFailureThreshold = value }

        /** Java: sets [createBackoff]. */
        public fun createBackoff(value: java.time.Duration): Builder = apply { createBackoff = value.toKotlinDuration() }

        /** Java: sets [timeSource]. */
        public fun timeSource(value: TimeSource.WithComparableMarks): Builder = apply { timeSource = value }

        /** Java: sets [scope]. */
        public fun scope(value: CoroutineScope?): Builder = apply { scope = value }

        /** Validates every knob and returns the immutable config. @throws IllegalArgumentException naming the bad knob. */
        public fun build(): PoolConfig {
            require(name.isNotBlank()) { "name must be not blank, was \"$name\"" }
            require(maxSize > 0) { "maxSize must be > 0, was $maxSize" }
            require(minIdle in 0..maxSize) { "minIdle must be between 0 and maxSize ($maxSize), was $minIdle" }
            require(maxIdle >= minIdle) { "maxIdle must be >= minIdle ($minIdle), was $maxIdle" }
            requirePositive("idleTimeout", idleTimeout)
            when (val t = ttl) {
                is Ttl.Simple -> requirePositive("ttl.lifetime", t.lifetime)
                is Ttl.Fuzzy -> {
                    requirePositive("ttl.min", t.min)
                    require(!t.fuzz.isNegative()) { "ttl.fuzz must be >= 0, was ${t.fuzz}" }
                }
                Ttl.Once, null -> Unit
            }
            requirePositive("acquireTimeout", acquireTimeout)
            requirePositive("createTimeout", createTimeout)
            requirePositive("recycleTimeout", recycleTimeout)
            require(!validateAfterIdle.isNegative()) { "validateAfterIdle must be >= 0, was $validateAfterIdle" }
            require(maxWaiters >= 0) { "maxWaiters must be >= 0, was $maxWaiters" }
            requirePositive("cleanupInterval", cleanupInterval)
            requirePositive("leakDetectionThreshold", leakDetectionThreshold)
            require(createFailureThreshold > 0) { "createFailureThreshold must be > 0, was $createFailureThreshold" }
            requirePositive("createBackoff", createBackoff)
            return PoolConfig(this)
        }

        private fun requirePositive(field: String, value: Duration) {
            require(value.isPositive()) { "$field must be > 0, was $value" }
        }
    }
}
