package io.hivepool.redis

import io.hivepool.redis.internal.Decoders
import io.hivepool.redis.internal.Replies
import java.time.Instant
import java.util.concurrent.CompletableFuture

/**
 * The server and connection commands, as values (see [StringCommands] for how the faces use them). [select] and
 * [clientSetName] change the connection's state: the pool refuses them as pool-level commands (use a lease).
 */
public object ServerCommands {
    /** `PING`: `PONG`. */
    @JvmStatic
    public fun ping(): Command<String> = Command(listOf("PING"), decode = Decoders.string)

    /** `PING message`: [message] back. */
    @JvmStatic
    public fun ping(message: String): Command<String> = Command(listOf("PING", message), decode = Decoders.string)

    /** `ECHO message`. */
    @JvmStatic
    public fun echo(message: String): Command<String> = Command(listOf("ECHO", message), decode = Decoders.string)

    /** `ECHO` with binary content. */
    @JvmStatic
    public fun echo(message: ByteArray): Command<ByteArray> =
        Command(listOf("ECHO", message)) { Replies.bytesOrNull(it) ?: Replies.unexpected(it, "bytes") }

    /** `INFO [section]` as the server's text. */
    @JvmStatic
    @JvmOverloads
    public fun info(section: String? = null): Command<String> =
        Command(if (section == null) listOf("INFO") else listOf("INFO", section), decode = Decoders.string)

    /** `DBSIZE`: keys in the selected database. */
    @JvmStatic
    public fun dbsize(): Command<Long> = Command(listOf("DBSIZE"), decode = Decoders.long)

    /** `TIME`: the server's clock. */
    @JvmStatic
    public fun time(): Command<Instant> = Command(listOf("TIME")) {
        val (seconds, micros) = Replies.strings(it).also { parts -> if (parts.size != 2) Replies.unexpected(it, "[seconds, microseconds]") }
        Instant.ofEpochSecond(seconds.toLong(), micros.toLong() * 1000)
    }

    /** `FLUSHDB [ASYNC]`: removes every key of the selected database. */
    @JvmStatic
    @JvmOverloads
    public fun flushdb(async: Boolean = false): Command<Void?> =
        Command(if (async) listOf("FLUSHDB", "ASYNC") else listOf("FLUSHDB"), decode = Decoders.ok)

    /** `SELECT db`: the connection notes the change (a connection on another db than its configured one is dirty). */
    @JvmStatic
    public fun select(db: Int): Command<Void?> = Command(listOf("SELECT", db), decode = Decoders.ok)

    /** `CLIENT ID`. */
    @JvmStatic
    public fun clientId(): Command<Long> = Command(listOf("CLIENT", "ID"), decode = Decoders.long)

    /** `CLIENT SETNAME name`. */
    @JvmStatic
    public fun clientSetName(name: String): Command<Void?> = Command(listOf("CLIENT", "SETNAME", name), decode = Decoders.ok)

    /** `CLIENT GETNAME`, null when unnamed. */
    @JvmStatic
    public fun clientGetName(): Command<String?> = Command(listOf("CLIENT", "GETNAME"), decode = Decoders.stringOrNull)
}

// The Kotlin face: one round trip through RedisCommands.send each, cancellable as it is.

/** `PING`: `PONG`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.ping(): String = send(ServerCommands.ping())

/** `PING message`: [message] back. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.ping(message: String): String = send(ServerCommands.ping(message))

/** `ECHO message`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.echo(message: String): String = send(ServerCommands.echo(message))

/** `ECHO` with binary content. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.echo(message: ByteArray): ByteArray = send(ServerCommands.echo(message))

/** `INFO [section]` as the server's text. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.info(section: String? = null): String = send(ServerCommands.info(section))

/** `DBSIZE`: keys in the selected database. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.dbsize(): Long = send(ServerCommands.dbsize())

/** `TIME`: the server's clock. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.time(): Instant = send(ServerCommands.time())

/** `FLUSHDB [ASYNC]`: removes every key of the selected database. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.flushdb(async: Boolean = false) { send(ServerCommands.flushdb(async)) }

/** [ServerCommands.select]. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.select(db: Int) { send(ServerCommands.select(db)) }

/** `CLIENT ID`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.clientId(): Long = send(ServerCommands.clientId())

/** `CLIENT SETNAME name`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.clientSetName(name: String) { send(ServerCommands.clientSetName(name)) }

/** `CLIENT GETNAME`, null when unnamed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.clientGetName(): String? = send(ServerCommands.clientGetName())

/** The Java face of [ServerCommands] (see [FutureStringCommands]). */
public interface FutureServerCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `PING`. */
    public fun ping(): CompletableFuture<String> = send(ServerCommands.ping())

    /** `ECHO message`. */
    public fun echo(message: String): CompletableFuture<String> = send(ServerCommands.echo(message))

    /** `INFO [section]`; [section] may be null. */
    public fun info(section: String?): CompletableFuture<String> = send(ServerCommands.info(section))

    /** `DBSIZE`. */
    public fun dbsize(): CompletableFuture<Long> = send(ServerCommands.dbsize())

    /** `TIME`. */
    public fun time(): CompletableFuture<Instant> = send(ServerCommands.time())

    /** `FLUSHDB`. */
    public fun flushdb(): CompletableFuture<Void?> = send(ServerCommands.flushdb())

    /** `SELECT db` (a lease only: refused as a pool-level command). */
    public fun select(db: Int): CompletableFuture<Void?> = send(ServerCommands.select(db))

    /** `CLIENT ID`. */
    public fun clientId(): CompletableFuture<Long> = send(ServerCommands.clientId())

    /** `CLIENT SETNAME name` (a lease only: refused as a pool-level command). */
    public fun clientSetName(name: String): CompletableFuture<Void?> = send(ServerCommands.clientSetName(name))

    /** `CLIENT GETNAME`. */
    public fun clientGetName(): CompletableFuture<String?> = send(ServerCommands.clientGetName())
}
