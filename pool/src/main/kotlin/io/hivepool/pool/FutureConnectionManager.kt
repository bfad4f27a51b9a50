package io.hivepool.pool

import kotlinx.coroutines.future.await
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage

/**
 * [ConnectionManager] for Java: the same four operations returning [CompletionStage]. The pool cancels a
 * stage it no longer waits for (createTimeout, recycleTimeout, pool closed) when the stage supports it.
 * Pass it to [Pools.future], or adapt it with [asConnectionManager] for the Kotlin [Pool] factory.
 */
public abstract class FutureConnectionManager<T> {
    /** Opens a new connection; see [ConnectionManager.create]. */
    public abstract fun create(): CompletionStage<T>

    /** Checks a connection before it is handed out again; false = destroy it. Default: always true. */
    public open fun recycle(conn: T, info: ConnectionInfo): CompletionStage<Boolean> = CompletableFuture.completedFuture(true)

    /** Cheap, non-blocking; true = destroy. Default: false. */
    public open fun isBroken(conn: T): Boolean = false

    /** Closes a connection for good; a failed stage is logged and ignored. */
    public abstract fun destroy(conn: T): CompletionStage<Void?>

    /** This manager seen as a suspending [ConnectionManager]. */
    public fun asConnectionManager(): ConnectionManager<T> = Adapter(this)

    private class Adapter<T>(private val java: FutureConnectionManager<T>) : ConnectionManager<T> {
        override suspend fun create(): T = java.create().await()
        override suspend fun recycle(conn: T, info: ConnectionInfo): Boolean = java.recycle(conn, info).await()
        override fun isBroken(conn: T): Boolean = java.isBroken(conn)
        override suspend fun destroy(conn: T) {
            java.destroy(conn).await()
        }
    }
}
