package io.hivepool.redis.internal

import io.hivepool.redis.RedisConnectionConfig
import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisException
import io.hivepool.redis.RedisTimeoutException
import io.ktor.network.selector.SelectorManager
import io.ktor.network.sockets.Socket
import io.ktor.network.sockets.UnixSocketAddress
import io.ktor.network.sockets.aSocket
import io.ktor.network.tls.tls
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.cancel
import kotlinx.coroutines.withTimeout

/** One selector for every connection in the process, made on first use: a selector per connection wastes a thread. */
internal object SharedSelector {
    val manager: SelectorManager by lazy { SelectorManager(Dispatchers.IO) }
}

/** Opens sockets and runs the handshake for [io.hivepool.redis.RedisConnection.connect]. */
internal object Connector {
    suspend fun connect(config: RedisConnectionConfig): RealRedisConnection {
        val endpoint = config.endpoint
        // The connection's coroutines (and the TLS engine's) live in their own scope, not the caller's.
        val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default + CoroutineName("hivepool-redis $endpoint"))
        var socket: Socket? = null
        var conn: RealRedisConnection? = null
        try {
            return withTimeout(config.connectTimeout) {
                socket = openSocket(config, scope)
                val c = RealRedisConnection(config, socket, scope)
                conn = c
                c.start()
                Handshake(c, config).run(afterReset = false)
                c
            }
        } catch (e: Throwable) {
            conn?.close() ?: runCatching { socket?.close() }
            scope.cancel()
            throw when (e) {
                is TimeoutCancellationException ->
                    RedisTimeoutException("connecting to $endpoint timed out after ${config.connectTimeout} (connectTimeout)", e)
                is CancellationException, is RedisException -> e
                else -> RedisConnectionException("could not connect to $endpoint: ${e.message ?: e::class.simpleName}", e)
            }
        }
    }

    private suspend fun openSocket(config: RedisConnectionConfig, scope: CoroutineScope): Socket {
        val builder = aSocket(SharedSelector.manager).tcp()
        if (config.unixSocket != null) return builder.connect(UnixSocketAddress(config.unixSocket.toString()))
        val raw = builder.connect(config.host, config.port) {
            keepAlive = true
            noDelay = true
        }
        if (!config.tls) return raw
        return try {
            raw.tls(scope.coroutineContext) {
                serverName = config.tlsServerName ?: config.host // enables host name checking and SNI
                trustManager = TrustManagers.forConfig(config)
            }
        } catch (e: Throwable) {
            raw.close()
            throw e
        }
    }
}
