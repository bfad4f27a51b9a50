package io.hivepool.pool

/**
 * How a [Pool] makes, checks and closes its connections.
 *
 * The pool calls [create] and [destroy] in its own scope (never while holding a lock), [recycle] in the
 * coroutine that borrows the connection, and [isBroken] inline on release and on borrow.
 */
public interface ConnectionManager<T> {
    /**
     * Opens a new connection. Bounded by [PoolConfig.createTimeout]; a throw (or the timeout) counts as a
     * create failure (see [PoolConfig.createFailureThreshold]). Cancellable: the pool cancels it when the
     * pool closes; a connection returned after that is destroyed.
     */
    public suspend fun create(): T

    /**
     * Called before a pooled connection is handed out again, when it has been idle >= validateAfterIdle
     * (default ZERO = every time). false or a throw = destroy it and try another. Bounded by recycleTimeout.
     * Cancellable: if the borrowing coroutine is cancelled during recycle, the connection is destroyed
     * (its state is unknown).
     */
    public suspend fun recycle(conn: T, info: ConnectionInfo): Boolean = true

    /** Cheap, non-suspending; checked on release and on borrow. true = destroy. */
    public fun isBroken(conn: T): Boolean = false

    /**
     * Closes a connection for good. Runs in the pool's scope, never blocks a caller; a throw is logged and
     * otherwise ignored.
     */
    public suspend fun destroy(conn: T)
}
