package io.hivepool.redis.sentinel

import io.hivepool.redis.RedisPool
import io.hivepool.redis.RedisPoolConfig
import io.hivepool.redis.RedisURI
import io.hivepool.redis.cluster.ReadFrom
import io.hivepool.redis.sentinel.internal.RealRedisSentinelPool
import java.util.function.Consumer

/**
 * The immutable configuration of a Sentinel-managed pool: the sentinels to ask, the name of the master they
 * monitor, and the settings of the pool on the master ([node]; its host and port are whatever the sentinels
 * name). Build it with [Builder] (Kotlin: `redisSentinel { }`, Java: `RedisSentinelConfig.builder()`).
 */
public class RedisSentinelConfig private constructor(
    /** `host:port` of the sentinels, asked in order. */
    public val sentinels: List<String>,
    /** The name the sentinels monitor the master under. */
    public val masterName: String,
    /** The settings of the pool on the master (host and port are replaced by the master's), and of each replica's pool. */
    public val node: RedisPoolConfig,
    /** See [Builder.readFrom]. */
    public val readFrom: ReadFrom,
    /** How each connection to a sentinel is made (credentials from the first sentinel URI). Hidden from Java (synthetic getter). */
    @get:JvmSynthetic
    internal val sentinel: RedisPoolConfig,
) {
    /** No password here: [node]'s toString masks it. */
    override fun toString(): String = "RedisSentinelConfig(sentinels=$sentinels, masterName=$masterName, readFrom=$readFrom, node=$node)"

    /** Java entry point. */
    public companion object {
        /** A builder with every default, for Java. */
        @JvmStatic
        public fun builder(): Builder = Builder()
    }

    /** The sentinel knobs, plus [node] for any setting of the master's pool. [build] validates them. */
    public class Builder {
        /**
         * The sentinels: `redis://[user:password@]host:port` (the sentinels' own credentials, if they need any) or
         * `host:port`; at least one.
         */
        public var sentinels: List<String> = emptyList()

        /** The name the sentinels monitor the master under (`sentinel monitor <name> …`); not blank. */
        public var masterName: String = ""

        /** Used in messages and as the pool's name; not blank. Default "hivepool-sentinel". */
        public var name: String = "hivepool-sentinel"

        /**
         * Where read-only commands sent on the pool go (GET, MGET, HGETALL, ZRANGE, XRANGE, …: the same list the
         * cluster client uses). Default [ReadFrom.PRIMARY]: everything goes to the master.
         *
         * With another value the pool also keeps a pool per replica the sentinels list (`SENTINEL REPLICAS`, leaving
         * out replicas they flag `s_down`, `o_down` or `disconnected`), refreshed on `+switch-master`, `+slave`,
         * `+sdown`, `-sdown`, `+convert-to-slave` and `+slave-reconf-done`, and every 30 seconds (every second while
         * a sentinel flags one `disconnected`, which clears without an event). Writes, blocking commands,
         * [io.hivepool.redis.RedisPool.use] / `acquire` leases, transactions, pipelines and subscriptions always go
         * to the master. [ReadFrom.REPLICA] fails with [RedisSentinelException] when no replica is up;
         * [ReadFrom.REPLICA_PREFERRED] then reads from the master. Replicas are asynchronous: a read from one may
         * miss the latest writes.
         */
        public var readFrom: ReadFrom = ReadFrom.PRIMARY

        private var nodeSettings: RedisPoolConfig.Builder.() -> Unit = {}

        /** Settings of the master's pool: `node { password = "…"; maxSize = 16 }`; host, port and uri are the master's. */
        @JvmSynthetic
        public fun node(settings: RedisPoolConfig.Builder.() -> Unit): Builder = apply { nodeSettings = settings }

        /** Java: sets [sentinels]. */ public fun sentinels(vararg value: String): Builder = apply { sentinels = value.toList() }
        /** Java: sets [masterName]. */ public fun masterName(value: String): Builder = apply { masterName = value }
        /** Java: sets [name]. */ public fun name(value: String): Builder = apply { name = value }
        /** Java: sets [readFrom]. */ public fun readFrom(value: ReadFrom): Builder = apply { readFrom = value }
        /** Java: settings of the master's pool, as [node]. */
        public fun node(settings: Consumer<RedisPoolConfig.Builder>): Builder = apply { nodeSettings = { settings.accept(this) } }

        /** Validates every knob. @throws IllegalArgumentException naming the bad field. */
        public fun build(): RedisSentinelConfig {
            require(sentinels.isNotEmpty()) { "sentinels must name at least one sentinel, e.g. sentinels = listOf(\"redis://10.0.0.1:26379\")" }
            require(masterName.isNotBlank()) { "masterName must not be blank: give the name the sentinels monitor the master under" }
            require(name.isNotBlank()) { "name must not be blank" }
            val uris = sentinels.mapIndexed { i, s ->
                val uri = if (s.contains("://")) s else "redis://$s"
                try {
                    RedisURI.parse(uri)
                } catch (e: IllegalArgumentException) {
                    throw IllegalArgumentException("sentinels[$i] is not a sentinel address (redis://host:port or host:port): ${e.message}", e)
                }
                uri
            }
            val settings = nodeSettings
            val node = RedisPoolConfig.Builder().apply {
                settings()
                uri = null
                host = "127.0.0.1" // replaced by the master's address
                name = this@Builder.name
            }.build()
            val sentinel = RedisPoolConfig.Builder().apply {
                uri = uris.first()
                maxSize = 2
                name = "${this@Builder.name}-sentinels"
                connectTimeout = node.connection.connectTimeout
                commandTimeout = node.connection.commandTimeout
            }.build()
            return RedisSentinelConfig(
                uris.map { RedisURI.parse(it).let { c -> "${c.host}:${c.port}" } }, masterName, node, readFrom, sentinel,
            )
        }
    }
}

/**
 * Builds a pool on the master a set of Sentinels monitors:
 * ```
 * val pool = redisSentinel { sentinels = listOf("redis://10.0.0.1:26379", "redis://10.0.0.2:26379"); masterName = "mymaster" }
 * ```
 * Asks the sentinels (in order) for the master (`SENTINEL GET-MASTER-ADDR-BY-NAME`), checks it with `ROLE`, and
 * returns a [RedisPool] on it that follows failovers: it listens for `+switch-master` on a sentinel, and asks
 * again when the master answers READONLY or cannot be reached. On a switch, new commands and leases go to the
 * new master; the old master's pool is closed (in-flight commands on it fail with a connection error, leases are
 * closed when returned). With [RedisSentinelConfig.Builder.readFrom] set, read-only commands go to the replicas
 * the sentinels list. Cancellable while resolving.
 *
 * @throws IllegalArgumentException a bad value, naming the field
 * @throws RedisSentinelException no sentinel named a master that answers ROLE as master
 */
public suspend fun redisSentinel(configure: RedisSentinelConfig.Builder.() -> Unit): RedisPool =
    RedisSentinelPool(RedisSentinelConfig.Builder().apply(configure).build())

/** Builds a Sentinel-managed pool from [config]; see [redisSentinel]. */
public suspend fun RedisSentinelPool(config: RedisSentinelConfig): RedisPool = RealRedisSentinelPool.start(config)

/** The sentinels could not name a usable master; the last error, if any, is the cause. */
public class RedisSentinelException(message: String, cause: Throwable? = null) : io.hivepool.redis.RedisException(message, cause)
