package io.hivepool.benchmarks.load

/**
 * One way of talking to Redis under the closed-loop load of DESIGN §5: [Load.concurrency] callers, each
 * issuing GET and awaiting the reply before the next.
 *
 * Most clients extend [BlockingClient] (C platform threads) or [SuspendingClient] (C coroutines) and only
 * say how one GET is done; a client that drives its own load (redis-benchmark) implements [run] itself.
 */
interface Client : AutoCloseable {
    /** The `client` field of the JSON line, e.g. `jedis-pool`. */
    val name: String

    /** The `pool` field: connections this client opens (P for pooling clients, 1 for one shared connection). */
    val connections: Int

    /** Runs warm-up then the measured phase of [load]; blocking. */
    fun run(load: Load): RunResult

    /** Closes the client's connections and threads. */
    override fun close()
}

/** A client whose callers are C platform threads blocked on each reply. */
abstract class BlockingClient : Client {
    /** Issues `GET key` and returns when the reply is in; throws on any error. */
    abstract fun get(key: String): Any?

    override fun run(load: Load): RunResult = ClosedLoop.onThreads(this, load) { key -> get(key) }
}

/** A client whose callers are C coroutines (on [kotlinx.coroutines.Dispatchers.Default]) suspended on each reply. */
abstract class SuspendingClient : Client {
    /** Issues `GET key` and resumes when the reply is in; throws on any error. */
    abstract suspend fun get(key: String): Any?

    override fun run(load: Load): RunResult = ClosedLoop.onCoroutines(this, load) { key -> get(key) }
}

/** How to make one [Client] against [target] for the given options; registered in [Clients]. */
fun interface ClientFactory {
    fun create(target: RedisTarget, options: LoadOptions): Client
}
