package io.hivepool.redis

/**
 * Base of every error this client throws. The kind says what became of the connection:
 * a [RedisServerException] leaves it usable; every other kind means it was closed ([isConnectionFatal]).
 */
public open class RedisException(message: String, cause: Throwable? = null) : RuntimeException(message, cause)

/**
 * The server answered with an error reply (`-ERR ...`, `-WRONGTYPE ...`). The connection stays usable.
 *
 * @property code the first word of the reply, e.g. `ERR`, `WRONGTYPE`, `NOSCRIPT`, `MOVED`.
 */
public open class RedisServerException(public val code: String, message: String) : RedisException(message)

/** The handshake's AUTH or HELLO AUTH was refused: wrong user or password, or none given where one is needed. */
public class RedisAuthException(code: String, message: String) : RedisServerException(code, message)

/** The socket could not be opened, or it was closed while commands were pending. */
public open class RedisConnectionException(message: String, cause: Throwable? = null) : RedisException(message, cause)

/** The server sent bytes that are not valid RESP (or exceed a configured limit); the connection was closed. */
public class RedisProtocolException(message: String, cause: Throwable? = null) : RedisConnectionException(message, cause)

/** Connecting took longer than `connectTimeout`, or a reply took longer than `commandTimeout`; the connection was closed. */
public class RedisTimeoutException(message: String, cause: Throwable? = null) : RedisConnectionException(message, cause)

/**
 * True when the connection that raised this error was closed and must be discarded (I/O, protocol, timeout);
 * false for a server error reply, after which the connection is still healthy. Auth failures only happen
 * while connecting, so there is no connection to keep.
 */
public val RedisException.isConnectionFatal: Boolean
    get() = when (this) {
        is RedisAuthException -> true
        is RedisServerException, is RedisUnexpectedReplyException -> false
        else -> true
    }
