package io.hivepool.pool

/**
 * Every failure the pool itself reports. Never a CancellationException: a caller's cancellation always
 * surfaces as the caller's own CancellationException, not as one of these.
 */
public sealed class PoolException(message: String, cause: Throwable? = null) : RuntimeException(message, cause)

/**
 * No connection became available within [PoolConfig.acquireTimeout]. The message carries a snapshot of the
 * pool (`timed out after 2s waiting for a connection (pool=p, size=S, idle=I, inUse=U, waiters=W)`); the
 * cause is the last create failure, if any. Raise maxSize, shorten leases, or look for leaks.
 */
public class PoolTimeoutException(message: String, cause: Throwable? = null) : PoolException(message, cause)

/**
 * The pool could not queue another caller: [WhenExhausted.FAIL] with no connection free, or
 * [PoolConfig.maxWaiters] callers already waiting. Message: `pool <name> is exhausted (size=S, maxSize=M, waiters=W)`.
 */
public class PoolExhaustedException(message: String) : PoolException(message)

/** The pool is closed (or closing); it hands out no more connections. Message: `pool <name> is closed`. */
public class PoolClosedException(message: String) : PoolException(message)

/**
 * [ConnectionManager.create] failed (threw or exceeded createTimeout), or the pool is failing fast after
 * [PoolConfig.createFailureThreshold] consecutive failures. Message:
 * `could not create a connection for pool <name>: <cause message>`; [cause] is the (last) failure.
 */
public class ConnectionCreateException(message: String, cause: Throwable?) : PoolException(message, cause)
