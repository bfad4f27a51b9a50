package io.hivepool.pool

/**
 * Exclusive use of one pooled [connection] until [release] or [discard].
 *
 * Exactly one of [release]/[discard] takes effect; every later call of either (or of [close]) is a no-op,
 * so a lease can never put its connection back twice. All three are non-suspending and thread-safe.
 */
public interface Lease<T> : AutoCloseable {
    /** The leased connection; do not use it after [release] or [discard]. */
    public val connection: T

    /** Id, age, idle time and use count of the leased connection. */
    public val info: ConnectionInfo

    /**
     * Returns the connection to the pool (or destroys it when it is broken, past its ttl, or the pool is
     * closed or shrinking). Exactly once; later calls are no-ops.
     */
    public fun release()

    /** Destroys the connection instead of returning it (its state is unknown); no-op after [release]. */
    public fun discard()

    /** Same as [release], for `use {}` / try-with-resources. */
    override fun close()
}
