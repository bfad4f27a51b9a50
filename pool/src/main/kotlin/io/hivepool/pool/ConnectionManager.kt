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
     * (default ZERO = every time) or [needsRecycle] says so. false or a throw = destroy it and try another.
     * Bounded by recycleTimeout (the only timer a borrow arms, and only when recycle is due).
     * Cancellable: if the borrowing coroutine is cancelled during recycle, the connection is destroyed (its
     * state is unknown) unless [isReusableAfterCancelledRecycle] says otherwise.
     */
    public suspend fun recycle(conn: T, info: ConnectionInfo): Boolean = true

    /**
     * Cheap, non-suspending; checked on borrow. true = run [recycle] before handing [conn] out even though it
     * has not been idle validateAfterIdle (its last user changed its session state, say). Default false.
     */
    public fun needsRecycle(conn: T): Boolean = false

    /**
     * Cheap, non-suspending; asked when the borrower was cancelled while [recycle] ran on [conn]. true = the
     * connection goes back to the pool (the next waiter or idle; [needsRecycle] can ask for another recycle
     * first); false = destroy it. Default false: a check cut short may leave its reply unread on the connection.
     */
    public fun isReusableAfterCancelledRecycle(conn: T): Boolean = false

    /** Cheap, non-suspending; checked on release and on borrow. true = destroy. */
    public fun isBroken(conn: T): Boolean = false

    /**
     * Closes a connection for good. Runs in the pool's scope, never blocks a caller; a throw is logged and
     * otherwise ignored.
     */
    public suspend fun destroy(conn: T)
}
