package io.hivepool.redis

import io.hivepool.redis.internal.Replies
import java.time.Instant

// Server and connection commands. Each suspend function is one round trip through RedisCommands.send and is
// cancellable as it is.

/** `PING`: `PONG`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.ping(): String = send(Command(listOf("PING"), decode = Replies::string))

/** `PING message`: [message] back. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.ping(message: String): String = send(Command(listOf("PING", message), decode = Replies::string))

/** `ECHO message`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.echo(message: String): String = send(Command(listOf("ECHO", message), decode = Replies::string))

/** `ECHO` with binary content. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.echo(message: ByteArray): ByteArray =
    send(Command(listOf("ECHO", message)) { Replies.bytesOrNull(it) ?: Replies.unexpected(it, "bytes") })

/** `INFO [section]` as the server's text. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.info(section: String? = null): String =
    send(Command(if (section == null) listOf("INFO") else listOf("INFO", section), decode = Replies::string))

/** `DBSIZE`: keys in the selected database. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.dbsize(): Long = send(Command(listOf("DBSIZE"), decode = Replies::long))

/** `TIME`: the server's clock. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.time(): Instant = send(
    Command(listOf("TIME")) {
        val (seconds, micros) = Replies.strings(it).also { parts -> if (parts.size != 2) Replies.unexpected(it, "[seconds, microseconds]") }
        Instant.ofEpochSecond(seconds.toLong(), micros.toLong() * 1000)
    },
)

/** `FLUSHDB [ASYNC]`: removes every key of the selected database. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.flushdb(async: Boolean = false): Unit =
    send(Command(if (async) listOf("FLUSHDB", "ASYNC") else listOf("FLUSHDB"), decode = Replies::unit))

/**
 * `SELECT db`. The connection notes the change: a connection whose db differs from its configured one is dirty.
 * Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.select(db: Int): Unit = send(Command(listOf("SELECT", db), decode = Replies::unit))

/** `CLIENT ID`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.clientId(): Long = send(Command(listOf("CLIENT", "ID"), decode = Replies::long))

/** `CLIENT SETNAME name`. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.clientSetName(name: String): Unit = send(Command(listOf("CLIENT", "SETNAME", name), decode = Replies::unit))

/** `CLIENT GETNAME`, null when unnamed. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.clientGetName(): String? = send(Command(listOf("CLIENT", "GETNAME"), decode = Replies::stringOrNull))
