package io.hivepool.ktor

import io.hivepool.redis.RedisPool
import io.hivepool.redis.RedisPoolConfig
import io.hivepool.redis.redisPool
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Settings of the [Redis] plugin. Either hand it a pool you own:
 * ```
 * install(Redis) { pool = myPool }                    // the plugin never closes it
 * ```
 * or describe one and let the plugin own it (closed on `ApplicationStopped`):
 * ```
 * install(Redis) {
 *     uri = "redis://localhost:6379/0"
 *     maxSize = 32
 *     configurePool { minIdle = 4; commandTimeout = 2.seconds }
 * }
 * ```
 * Setting [pool] together with [uri], [maxSize] or [configurePool] is an error at install time.
 */
public class RedisPluginConfig {
    /** A pool you created and will close yourself. null (default) = the plugin builds and owns one. */
    public var pool: RedisPool? = null

    /** Where the plugin's own pool connects (`redis://…`, `rediss://…`, `redis+unix:///…`). Default: RedisPoolConfig's default. */
    public var uri: String? = null

    /** Most connections of the plugin's own pool. Default: RedisPoolConfig's default (16). */
    public var maxSize: Int? = null

    /**
     * How long `call.redis()` waits for a free connection before the call is answered 503; > 0. Default 5 seconds.
     * The pool's own `acquireTimeout` still applies when it is shorter.
     */
    public var leaseTimeout: Duration = 5.seconds

    /**
     * The `Retry-After` header of a 503 sent when the pool is exhausted or Redis cannot be reached or fails
     * under a call, rounded up to whole seconds; null = no header. Default 1 second.
     */
    public var retryAfter: Duration? = 1.seconds

    /**
     * Whether a Redis connection failure during a call is answered like the other "Redis unavailable" cases.
     * A [io.hivepool.redis.RedisConnectionException] (the connection broke, or a reply took longer than
     * `commandTimeout`, while the handler ran a command on its lease or on the pool) that escapes the handler
     * before the response has started becomes `503 Service Unavailable` with [retryAfter], logged as one WARN
     * line without a stack trace. false = let it through, to a `StatusPages` handler or Ktor's 500. Default true.
     */
    public var unavailableOnConnectionFailure: Boolean = true

    private val poolSettings = mutableListOf<RedisPoolConfig.Builder.() -> Unit>()

    /** Any other knob of the plugin's own pool (see [RedisPoolConfig.Builder]); may be called more than once. */
    public fun configurePool(configure: RedisPoolConfig.Builder.() -> Unit) {
        poolSettings += configure
    }

    /** The pool to serve calls with, and whether the plugin owns (and so closes) it. */
    @JvmSynthetic // internal: hidden from Java, which would see resolvePool$hivepool_ktor
    internal fun resolvePool(): Pair<RedisPool, Boolean> {
        require(leaseTimeout.isPositive()) { "leaseTimeout must be > 0, was $leaseTimeout" }
        retryAfter?.let { require(!it.isNegative()) { "retryAfter must be >= 0 or null, was $it" } }
        pool?.let { given ->
            require(uri == null && maxSize == null && poolSettings.isEmpty()) {
                "set either pool (a pool you own) or uri/maxSize/configurePool (a pool the plugin owns), not both"
            }
            return given to false
        }
        val owned = redisPool {
            poolSettings.forEach { it() }
            this@RedisPluginConfig.uri?.let { uri = it }
            this@RedisPluginConfig.maxSize?.let { maxSize = it }
        }
        return owned to true
    }
}
