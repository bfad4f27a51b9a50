package io.hivepool.ktor

import io.hivepool.ktor.internal.AroundCall
import io.hivepool.ktor.internal.CallLease
import io.hivepool.ktor.internal.OutageLog
import io.hivepool.ktor.internal.closeOnStop
import io.hivepool.ktor.internal.respondUnavailable
import io.hivepool.ktor.internal.retryAfterSeconds
import io.hivepool.pool.ConnectionCreateException
import io.hivepool.pool.PoolExhaustedException
import io.hivepool.pool.PoolTimeoutException
import io.hivepool.redis.RedisConnection
import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisPool
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.RouteScopedPlugin
import io.ktor.server.application.createRouteScopedPlugin
import io.ktor.server.application.log
import io.ktor.server.response.respondText
import io.ktor.util.AttributeKey

/**
 * Scopes one pooled Redis connection to each call.
 *
 * ```
 * fun Application.module() {
 *     install(Redis) {
 *         uri = "redis://localhost:6379"
 *         maxSize = 32
 *     }
 *     routing {
 *         get("/visits") {
 *             val visits = call.redis().incr("visits")          // leased on first use, released when the call ends
 *             call.respondText("visit #$visits")
 *         }
 *         get("/cached/{key}") {
 *             call.respondText(application.redisPool.get(call.parameters["key"]!!) ?: "miss")   // no lease
 *         }
 *         redisHealth("/health/redis")
 *     }
 * }
 * ```
 *
 * - [ApplicationCall.redis] leases a connection on first use and returns that same connection for the rest
 *   of the call. The lease is returned when the call ends, whatever the ending: a response sent, an exception
 *   from the handler, or the call's cancellation (client gone) — then the connection is discarded, since a
 *   command of it may still be in flight. This runs in a `try/finally` around the whole call pipeline, not on
 *   `ResponseSent`, which Ktor skips when sending fails. Ktor only cancels a call whose client hung up when
 *   `install(HttpRequestLifecycle) { cancelCallOnClose = true }` is in place; without it a handler that is
 *   still waiting (say, on a slow command) keeps its lease until it returns on its own.
 * - No connection free within [RedisPluginConfig.leaseTimeout], the pool refusing more waiters, Redis not
 *   reachable (the pool failing to connect), or a connection failing under a command of the call
 *   ([RedisConnectionException], see [RedisPluginConfig.unavailableOnConnectionFailure]): the call is answered
 *   `503 Service Unavailable` with `Retry-After` ([RedisPluginConfig.retryAfter]), when the response has not
 *   started yet. An outage (the last two) is logged at WARN in one line without a stack trace, at most once per
 *   10 seconds per installation (the others at DEBUG); exhaustion is logged at DEBUG. A `StatusPages` handler for
 *   `Throwable` installed in the application sees these exceptions first (it runs outside this plugin):
 *   give it a handler for `PoolTimeoutException`, or let them through.
 * - [Application.redisPool] (and [ApplicationCall.redisPool]) give pool-level commands with no lease.
 * - A pool built from [RedisPluginConfig.uri]/[RedisPluginConfig.maxSize] is the plugin's: it is closed on
 *   `ApplicationStopped`. A pool passed in [RedisPluginConfig.pool] is left open.
 *
 * Route scope: `route("/cache") { install(Redis) { uri = "redis://cache:6379" } }` serves the calls under
 * that route from its own pool (the nearest installation wins). Ktor refuses a route-scoped plugin installed
 * both in the application and in a route: install it in `routing { }` (the root route) instead of the
 * application when sub-routes need their own pools.
 */
public val Redis: RouteScopedPlugin<RedisPluginConfig> = createRouteScopedPlugin("Redis", ::RedisPluginConfig) {
    val (pool, owned) = pluginConfig.resolvePool()
    val leaseTimeout = pluginConfig.leaseTimeout
    val retryAfter = pluginConfig.retryAfter?.let(::retryAfterSeconds)
    val onConnectionFailure = pluginConfig.unavailableOnConnectionFailure
    val outages = OutageLog(application.log, pool.name)
    val node = route
    if (node == null || node.parent == null) application.attributes.put(ApplicationPoolKey, pool)
    if (owned) closeOnStop(application, pool)

    on(AroundCall) { call, proceed ->
        val lease = CallLease(pool, leaseTimeout)
        val outer = call.attributes.getOrNull(CallLeaseKey)
        call.attributes.put(CallLeaseKey, lease)
        var failure: Throwable? = null
        try {
            proceed()
        } catch (e: Throwable) {
            failure = e
            if (!call.respondUnavailable(e, onConnectionFailure, outages, retryAfter, "Redis pool")) throw e
        } finally {
            lease.end(failure)
            if (outer != null) call.attributes.put(CallLeaseKey, outer) else call.attributes.remove(CallLeaseKey)
        }
    }
}

/**
 * This call's Redis connection: leased from the pool on the first call, the same connection on every later
 * call, returned to the pool when the call ends. Safe to call from several coroutines of one call.
 *
 * Cancellable while it waits for the pool: a connection handed over meanwhile goes back. Waits at most
 * [RedisPluginConfig.leaseTimeout]; the call is then answered 503 (see [Redis]).
 *
 * @throws PoolTimeoutException no connection became free in time
 * @throws PoolExhaustedException the pool refuses more waiters
 * @throws ConnectionCreateException Redis could not be reached
 * @throws IllegalStateException no [Redis] plugin covers this call, or the call has already ended
 */
public suspend fun ApplicationCall.redis(): RedisConnection = callLease().connection()

/** The pool serving this call (the nearest [Redis] installation), for pool-level commands without a lease. */
public val ApplicationCall.redisPool: RedisPool
    get() = callLease().pool

/**
 * The pool of the [Redis] plugin installed in the application (or in `routing { }`), for pool-level commands
 * without a lease: `application.redisPool.get("key")`.
 *
 * @throws IllegalStateException the plugin is not installed at that level
 */
public val Application.redisPool: RedisPool
    get() = attributes.getOrNull(ApplicationPoolKey) ?: error(
        "the Redis plugin is not installed in this application: install(Redis) { uri = \"redis://…\" } " +
            "in the application or in routing { }; for a route-scoped install use call.redisPool",
    )

private val CallLeaseKey = AttributeKey<CallLease>("hivepool.redis.CallLease")
private val ApplicationPoolKey = AttributeKey<RedisPool>("hivepool.redis.RedisPool")

private fun ApplicationCall.callLease(): CallLease = attributes.getOrNull(CallLeaseKey) ?: error(
    "no Redis plugin serves this call: install(Redis) { } in the application or in a route enclosing " +
        "${request.local.uri}, and use call.redis() only while the call runs",
)
