package io.hivepool.redis

import io.hivepool.pool.Order
import io.hivepool.pool.PoolConfig
import io.hivepool.pool.Ttl
import io.hivepool.pool.WhenExhausted
import kotlinx.coroutines.CoroutineScope
import java.nio.file.Path
import java.security.KeyStore
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource
import kotlin.time.toKotlinDuration

/**
 * The immutable configuration of a [RedisPool]: how to open each connection ([connection]), how the generic
 * pool manages them ([pool]), and the Redis-specific knobs. Build it with [Builder] (Kotlin: `redisPool { }`,
 * Java: `RedisPoolConfig.builder().uri("redis://…").maxSize(16).build()`).
 */
public class RedisPoolConfig private constructor(
    /** How each pooled connection is opened. */
    public val connection: RedisConnectionConfig,
    /**
     * The generic pool's settings, as the pool runs with them ([PoolConfig.validateAfterIdle] defaults to 30 s here,
     * and a connection its last user left dirty is recycled on borrow whatever its idle time).
     */
    public val pool: PoolConfig,
    /** See [Builder.checkOnRecycle]. */
    public val checkOnRecycle: Boolean,
    /** See [Builder.sharedConnections]. */
    public val sharedConnections: Int,
) {
    override fun toString(): String =
        "RedisPoolConfig($connection, $pool, checkOnRecycle=$checkOnRecycle, sharedConnections=$sharedConnections)"

    /**
     * The same settings for the server at [host]:[port] (a cluster node's pool), named [name]. Synthetic, so Java,
     * which sees `internal` members of a public class as public (`forNode${'$'}hivepool_redis`), does not see it.
     */
    @JvmSynthetic
    internal fun forNode(host: String, port: Int, readOnly: Boolean, name: String): RedisPoolConfig = RedisPoolConfig(
        connection.copy(host = host, port = port, readOnly = readOnly),
        pool.toBuilder().also { it.name = name }.build(),
        checkOnRecycle,
        sharedConnections,
    )

    /** Java entry point. */
    public companion object {
        /** A builder with every default, for Java: `RedisPoolConfig.builder().uri("redis://…").build()`. */
        @JvmStatic
        public fun builder(): Builder = Builder()
    }

    /**
     * Every knob of the generic pool and of the connection, plus the Redis pool's own. [build] validates them and
     * throws IllegalArgumentException naming the field (`maxSize must be > 0, was 0`).
     *
     * Connection fields left null come from [uri] (or the [RedisConnectionConfig] defaults when there is no URI);
     * a field that is set overrides the URI. Fluent setters (taking java.time.Duration) are for Java.
     */
    public class Builder {
        /** `redis://[user[:password]@]host[:port][/db]`, `rediss://…` or `redis+unix:///path`; null = 127.0.0.1:6379. */
        public var uri: String? = null

        // ---- connection (null = from uri / RedisConnectionConfig default)

        /** Server host; overrides the URI. */
        public var host: String? = null

        /** Server port, 1..65535; overrides the URI. */
        public var port: Int? = null

        /** ACL user; overrides the URI. */
        public var user: String? = null

        /** Password; overrides the URI. Never shown in messages or toString. */
        public var password: String? = null

        /** Database selected on every connection, >= 0; overrides the URI. */
        public var db: Int? = null

        /** Name every pooled connection gets (`CLIENT LIST` shows it); overrides the URI. */
        public var clientName: String? = null

        /** RESP version to ask for, 2 or 3 (default 3); overrides the URI. */
        public var protocol: Int? = null

        /** Bound on opening one connection (socket, TLS and handshake), > 0. Default 10 seconds. */
        public var connectTimeout: Duration? = null

        /** How long a reply may be missing before its connection is declared dead, > 0. Default 10 seconds. */
        public var commandTimeout: Duration? = null

        /** Speak TLS (also implied by `rediss://`). */
        public var tls: Boolean? = null

        /** Unix domain socket to use instead of TCP. */
        public var unixSocket: Path? = null

        /** Trust store with the CA of the server's certificate (TLS). */
        public var trustStore: KeyStore? = null

        /** PEM file with the CA of the server's certificate (TLS). */
        public var caCertificate: Path? = null

        /** The name the server's TLS certificate must carry (also sent as SNI); null = the host. */
        public var tlsServerName: String? = null

        /** Largest bulk string or aggregate a reply may declare, > 0. */
        public var maxBulkLength: Int? = null

        /** Deepest nesting of aggregates a reply may have, > 0. */
        public var maxNestingDepth: Int? = null

        // ---- generic pool (same names and defaults as PoolConfig.Builder, except maxSize and validateAfterIdle)

        /** Used in messages and logs; not blank. Default "hivepool". */
        public var name: String = "hivepool"

        /** Most connections at once (shared + leased + idle + being created), > 0. Default 16. */
        public var maxSize: Int = 16

        /** Idle connections kept warm, 0..maxSize. Default 0. */
        public var minIdle: Int = 0

        /** Most idle connections kept, >= minIdle. Default Int.MAX_VALUE. */
        public var maxIdle: Int = Int.MAX_VALUE

        /** An idle connection above minIdle is closed after this long, > 0. Default 10 minutes. */
        public var idleTimeout: Duration = 10.minutes

        /** Maximum lifetime of a leased/idle connection (`fuzzy(10.minutes, 2.minutes)`); null = unlimited. */
        public var ttl: Ttl? = null

        /** How long [RedisPool.acquire] (and a pool-level command needing a new connection) waits, > 0. Default 30 seconds. */
        public var acquireTimeout: Duration = 30.seconds

        /** Bound on creating one connection, > 0. Default: connectTimeout + 1 second. */
        public var createTimeout: Duration? = null

        /** Bound on checking/cleaning a connection on borrow (PING or RESET), > 0. Default 5 seconds. */
        public var recycleTimeout: Duration = 5.seconds

        /**
         * A borrowed connection idle at least this long is checked with PING first, >= 0 (ZERO = always).
         * Default 30 seconds: a recently used, clean connection is handed out without any I/O.
         */
        public var validateAfterIdle: Duration = 30.seconds

        /** Which idle connection goes out next. Default LIFO. */
        public var order: Order = Order.LIFO

        /** Wait or fail when nothing is free. Default WAIT. */
        public var whenExhausted: WhenExhausted = WhenExhausted.WAIT

        /** Most callers queued at once, >= 0. Default Int.MAX_VALUE. */
        public var maxWaiters: Int = Int.MAX_VALUE

        /** Longest pause between two reaper passes, > 0. Default 30 seconds. */
        public var cleanupInterval: Duration = 30.seconds

        /** A lease held longer than this is logged as a probable leak; INFINITE = off (default). */
        public var leakDetectionThreshold: Duration = Duration.INFINITE

        /** Consecutive create failures before failing fast, > 0. Default 3. */
        public var createFailureThreshold: Int = 3

        /** Fail-fast window after createFailureThreshold failures, > 0. Default 1 second. */
        public var createBackoff: Duration = 1.seconds

        /** The pool's clock (inject a test clock). Default TimeSource.Monotonic. */
        public var timeSource: TimeSource.WithComparableMarks = TimeSource.Monotonic

        /** Where the pool's background work runs; null = its own scope on Dispatchers.Default. */
        public var scope: CoroutineScope? = null

        // ---- Redis pool

        /** PING every connection on borrow (else only after [validateAfterIdle] idle). Default false. */
        public var checkOnRecycle: Boolean = false

        /**
         * How many pooled connections carry pool-level (multiplexed) commands, 1..maxSize - 1 (1 when maxSize is 1).
         * They are leased from the pool for as long as they work and count against maxSize, so at least one
         * connection stays for exclusive leases. Default min(2, maxSize - 1), at least 1. With maxSize 1 the one
         * connection, once it carried a pool-level command, is never free for a lease: do not mix the two there.
         */
        public var sharedConnections: Int? = null

        /** Java: sets [uri]. */ public fun uri(value: String?): Builder = apply { uri = value }
        /** Java: sets [host]. */ public fun host(value: String?): Builder = apply { host = value }
        /** Java: sets [port]. */ public fun port(value: Int): Builder = apply { port = value }
        /** Java: sets [user]. */ public fun user(value: String?): Builder = apply { user = value }
        /** Java: sets [password]. */ public fun password(value: String?): Builder = apply { password = value }
        /** Java: sets [db]. */ public fun db(value: Int): Builder = apply { db = value }
        /** Java: sets [clientName]. */ public fun clientName(value: String?): Builder = apply { clientName = value }
        /** Java: sets [protocol]. */ public fun protocol(value: Int): Builder = apply { protocol = value }
        /** Java: sets [connectTimeout]. */
        public fun connectTimeout(value: java.time.Duration): Builder = apply { connectTimeout = value.toKotlinDuration() }
        /** Java: sets [commandTimeout]. */
        public fun commandTimeout(value: java.time.Duration): Builder = apply { commandTimeout = value.toKotlinDuration() }
        /** Java: sets [tls]. */ public fun tls(value: Boolean): Builder = apply { tls = value }
        /** Java: sets [unixSocket]. */ public fun unixSocket(value: Path?): Builder = apply { unixSocket = value }
        /** Java: sets [trustStore]. */ public fun trustStore(value: KeyStore?): Builder = apply { trustStore = value }
        /** Java: sets [caCertificate]. */ public fun caCertificate(value: Path?): Builder = apply { caCertificate = value }
        /** Java: sets [tlsServerName]. */ public fun tlsServerName(value: String?): Builder = apply { tlsServerName = value }
        /** Java: sets [maxBulkLength]. */ public fun maxBulkLength(value: Int): Builder = apply { maxBulkLength = value }
        /** Java: sets [maxNestingDepth]. */ public fun maxNestingDepth(value: Int): Builder = apply { maxNestingDepth = value }
        /** Java: sets [name]. */ public fun name(value: String): Builder = apply { name = value }
        /** Java: sets [maxSize]. */ public fun maxSize(value: Int): Builder = apply { maxSize = value }
        /** Java: sets [minIdle]. */ public fun minIdle(value: Int): Builder = apply { minIdle = value }
        /** Java: sets [maxIdle]. */ public fun maxIdle(value: Int): Builder = apply { maxIdle = value }
        /** Java: sets [idleTimeout]. */
        public fun idleTimeout(value: java.time.Duration): Builder = apply { idleTimeout = value.toKotlinDuration() }
        /** Java: sets [ttl]. */ public fun ttl(value: Ttl?): Builder = apply { ttl = value }
        /** Java: sets [ttl] to a simple lifetime. */
        public fun ttl(lifetime: java.time.Duration): Builder = apply { ttl = Ttl.Simple(lifetime.toKotlinDuration()) }
        /** Java: sets [acquireTimeout]. */
        public fun acquireTimeout(value: java.time.Duration): Builder = apply { acquireTimeout = value.toKotlinDuration() }
        /** Java: sets [createTimeout]. */
        public fun createTimeout(value: java.time.Duration): Builder = apply { createTimeout = value.toKotlinDuration() }
        /** Java: sets [recycleTimeout]. */
        public fun recycleTimeout(value: java.time.Duration): Builder = apply { recycleTimeout = value.toKotlinDuration() }
        /** Java: sets [validateAfterIdle]. */
        public fun validateAfterIdle(value: java.time.Duration): Builder = apply { validateAfterIdle = value.toKotlinDuration() }
        /** Java: sets [order]. */ public fun order(value: Order): Builder = apply { order = value }
        /** Java: sets [whenExhausted]. */ public fun whenExhausted(value: WhenExhausted): Builder = apply { whenExhausted = value }
        /** Java: sets [maxWaiters]. */ public fun maxWaiters(value: Int): Builder = apply { maxWaiters = value }
        /** Java: sets [cleanupInterval]. */
        public fun cleanupInterval(value: java.time.Duration): Builder = apply { cleanupInterval = value.toKotlinDuration() }
        /** Java: sets [leakDetectionThreshold]. */
        public fun leakDetectionThreshold(value: java.time.Duration): Builder =
            apply { leakDetectionThreshold = value.toKotlinDuration() }
        /** Java: sets [createFailureThreshold]. */
        public fun createFailureThreshold(value: Int): Builder = apply { createFailureThreshold = value }
        /** Java: sets [createBackoff]. */
        public fun createBackoff(value: java.time.Duration): Builder = apply { createBackoff = value.toKotlinDuration() }
        /** Java: sets [checkOnRecycle]. */ public fun checkOnRecycle(value: Boolean): Builder = apply { checkOnRecycle = value }
        /** Java: sets [sharedConnections]. */ public fun sharedConnections(value: Int): Builder = apply { sharedConnections = value }

        /** Validates every knob. @throws IllegalArgumentException naming the bad field. */
        public fun build(): RedisPoolConfig {
            val connection = connectionConfig()
            val pool = PoolConfig.Builder().also {
                it.name = name; it.maxSize = maxSize; it.minIdle = minIdle; it.maxIdle = maxIdle
                it.idleTimeout = idleTimeout; it.ttl = ttl; it.acquireTimeout = acquireTimeout
                it.createTimeout = createTimeout ?: (connection.connectTimeout + 1.seconds)
                it.recycleTimeout = recycleTimeout; it.validateAfterIdle = validateAfterIdle; it.order = order
                it.whenExhausted = whenExhausted; it.maxWaiters = maxWaiters; it.cleanupInterval = cleanupInterval
                it.leakDetectionThreshold = leakDetectionThreshold; it.createFailureThreshold = createFailureThreshold
                it.createBackoff = createBackoff; it.timeSource = timeSource; it.scope = scope
            }.build()
            // At least one connection must stay free for exclusive leases (shared ones are held for good),
            // except in a pool of one, which can then serve only one of the two kinds at a time.
            val most = maxOf(1, maxSize - 1)
            val shared = sharedConnections ?: minOf(2, most)
            require(shared in 1..most) { "sharedConnections must be between 1 and maxSize - 1 ($most), was $shared" }
            return RedisPoolConfig(connection, pool, checkOnRecycle, shared)
        }

        private fun connectionConfig(): RedisConnectionConfig {
            val base = uri?.let { RedisURI.parse(it) } ?: RedisConnectionConfig()
            return base.copy(
                host = host ?: base.host,
                port = port ?: base.port,
                user = user ?: base.user,
                password = password ?: base.password,
                db = db ?: base.db,
                clientName = clientName ?: base.clientName,
                protocol = protocol ?: base.protocol,
                connectTimeout = connectTimeout ?: base.connectTimeout,
                commandTimeout = commandTimeout ?: base.commandTimeout,
                tls = tls ?: base.tls,
                unixSocket = unixSocket ?: base.unixSocket,
                trustStore = trustStore ?: base.trustStore,
                caCertificate = caCertificate ?: base.caCertificate,
                tlsServerName = tlsServerName ?: base.tlsServerName,
                maxBulkLength = maxBulkLength ?: base.maxBulkLength,
                maxNestingDepth = maxNestingDepth ?: base.maxNestingDepth,
            )
        }
    }
}
