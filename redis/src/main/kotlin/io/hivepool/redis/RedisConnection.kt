package io.hivepool.redis

import io.hivepool.redis.internal.Connector

/**
 * One connection to a Redis server, safe to share between coroutines: commands from many callers are
 * pipelined over the one socket, and commands queued while a write is under way leave in the same flush.
 *
 * Made with [connect]. Typed commands (`get`, `set`, `hgetall`, ...) are extensions of [RedisCommands];
 * [execute] sends anything else.
 */
public interface RedisConnection : RedisCommands, AutoCloseable {
    /** The settings this connection was opened with. */
    public val config: RedisConnectionConfig

    /** The RESP version spoken: 3 after a successful `HELLO 3`, otherwise 2. */
    public val protocol: Int

    /** The server's `CLIENT ID` for this connection, or null when the server did not say (no HELLO). */
    public val clientId: Long?

    /** The server version reported by HELLO, or null when the server did not say. */
    public val serverVersion: String?

    /** True until the connection is closed or broken. */
    public val isOpen: Boolean

    /** True when the socket closed, a reply was malformed or late, or [close] was called: discard it. */
    public val isBroken: Boolean

    /** True when the server-side state differs from a fresh connection's (see [state]); [reset] cleans it. */
    public val isDirty: Boolean

    /** The tracked server-side state. */
    public val state: RedisConnectionState

    /**
     * Receives RESP3 push frames (pub/sub messages, client-side caching invalidations). Called on the reader
     * coroutine, so it must be quick and must not suspend or block; an exception it throws is ignored.
     * The default drops every frame.
     */
    public var pushHandler: (RespValue.Push) -> Unit

    /**
     * Brings the server-side state back to that of a fresh connection: sends `RESET` and the handshake again
     * (auth, client name, db) in one round trip.
     *
     * Cancellable; cancellation while the reply is outstanding leaves the state unknown, so treat the
     * connection as dirty. Fails with [IllegalStateException] while a blocking command is in flight (RESET
     * would queue behind it): close such a connection instead.
     *
     * @throws RedisException as the handshake of [connect] does
     */
    public suspend fun reset()

    /**
     * Closes the socket. Commands still pending fail with [RedisConnectionException]; later ones fail at once.
     * Idempotent, never blocks.
     */
    override fun close()

    public companion object {
        /**
         * Opens a connection: TCP or Unix socket, TLS when configured, then the handshake (HELLO with auth and
         * client name, SELECT, CLIENT SETINFO) in one round trip. The whole is bounded by `connectTimeout`.
         *
         * Cancellable: a cancelled connect closes whatever it had opened.
         *
         * @throws RedisAuthException the server refused the credentials (or wanted some and got none)
         * @throws RedisTimeoutException connecting took longer than `connectTimeout`
         * @throws RedisConnectionException the server could not be reached
         * @throws RedisServerException the server refused a handshake step (e.g. SELECT of a missing db)
         */
        public suspend fun connect(config: RedisConnectionConfig): RedisConnection = Connector.connect(config)

        /** Parses [uri] with [RedisURI.parse] and connects as [connect] does. */
        public suspend fun connect(uri: String): RedisConnection = Connector.connect(RedisURI.parse(uri))
    }
}

/**
 * Sends any command and returns the raw reply, e.g. `execute("OBJECT", "ENCODING", key)`.
 * Arguments: String, ByteArray or numbers. Cancellable as [RedisCommands.send].
 *
 * @throws RedisServerException when the server answers with an error
 */
public suspend fun RedisCommands.execute(vararg args: Any): RespValue = send(Command(args.toList()) { it })
