package io.hivepool.ktor.internal

import io.hivepool.pool.ConnectionCreateException
import io.hivepool.pool.PoolExhaustedException
import io.hivepool.pool.PoolTimeoutException
import io.hivepool.redis.RedisConnectionException
import io.ktor.http.HttpHeaders
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.ApplicationCallPipeline
import io.ktor.server.application.ApplicationStopped
import io.ktor.server.application.Hook
import io.ktor.server.application.log
import io.ktor.server.response.header
import io.ktor.server.response.respondText
import kotlinx.coroutines.DisposableHandle
import kotlin.time.Duration

/** What the `Redis` and `RedisCluster` plugins share: the hook around a call, closing on stop, 503 texts. */

/** Wraps everything after the Setup phase (the handler and the response) so that the finally always runs. */
internal object AroundCall : Hook<suspend (ApplicationCall, suspend () -> Unit) -> Unit> {
    override fun install(pipeline: ApplicationCallPipeline, handler: suspend (ApplicationCall, suspend () -> Unit) -> Unit) {
        pipeline.intercept(ApplicationCallPipeline.Setup) { handler(context) { proceed() } }
    }
}

/** Closes [resource] (a pool or a cluster client the plugin built) once, when the application stops. */
internal fun closeOnStop(application: Application, resource: AutoCloseable) {
    var subscription: DisposableHandle? = null
    subscription = application.monitor.subscribe(ApplicationStopped) {
        resource.close()
        subscription?.dispose()
    }
}

/**
 * Answers 503 Service Unavailable (with Retry-After when [retryAfter] is set) when [e] is a Redis outage (a failed
 * create; a broken connection when [onConnectionFailure]) or an exhausted pool, and the response has not started:
 * then returns true. Otherwise returns false, for the caller to rethrow [e]. [what] names the pool in the debug log.
 */
internal suspend fun ApplicationCall.respondUnavailable(
    e: Throwable,
    onConnectionFailure: Boolean,
    outages: OutageLog,
    retryAfter: String?,
    what: String,
): Boolean {
    val outage = e is ConnectionCreateException || (onConnectionFailure && e is RedisConnectionException)
    if (!(outage || e.isExhaustion()) || response.isCommitted) return false
    if (outage) {
        outages.record(this, e)
    } else {
        application.log.debug("{} exhausted for {}: {}", what, request.local.uri, e.message)
    }
    retryAfter?.let { response.header(HttpHeaders.RetryAfter, it) }
    respondText(e.unavailableText(), status = HttpStatusCode.ServiceUnavailable)
    return true
}

internal fun Throwable.isExhaustion(): Boolean = this is PoolTimeoutException || this is PoolExhaustedException

internal fun Throwable.unavailableText(): String = when (this) {
    is ConnectionCreateException -> "Service Unavailable: Redis cannot be reached, retry later"
    is RedisConnectionException -> "Service Unavailable: the connection to Redis failed, retry later"
    else -> "Service Unavailable: no Redis connection is free, retry later"
}

internal fun retryAfterSeconds(d: Duration): String =
    ((d.inWholeMilliseconds + 999) / 1000).toString()
