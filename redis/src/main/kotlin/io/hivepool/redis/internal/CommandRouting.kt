package io.hivepool.redis.internal

import io.hivepool.redis.Command

/** Where a pool-level command may run. */
internal enum class Route { SHARED, EXCLUSIVE }

/**
 * Decides whether [command] may share a connection with strangers: blocking commands need an exclusive lease;
 * commands that change connection state are refused with a message that says which API to use.
 */
internal fun routeOf(command: Command<*>): Route {
    val args = command.args
    return when (effectOf(args)) {
        null -> if (isRefusedExtra(args)) refuse(command) else Route.SHARED
        Effect.BLOCKING -> Route.EXCLUSIVE
        else -> refuse(command)
    }
}

/** True when [args] may run on a shared connection. */
internal fun isShareable(args: List<Any>): Boolean = effectOf(args) == null && !isRefusedExtra(args)

private fun isRefusedExtra(args: List<Any>): Boolean {
    val name = argText(args[0]) // case-insensitive sets: no upper-casing (allocation) per command
    if (name in REFUSED) return true
    return name.equals("CLIENT", ignoreCase = true) && args.size > 1 && argText(args[1]) in REFUSED_CLIENT
}

private fun refuse(command: Command<*>): Nothing {
    val name = command.name
    val hint = when (name.substringBefore(' ')) {
        "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH" -> "use pool.transaction { watch(…); multi { queue { … } } }"
        "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE" ->
            "use pool.subscribe(…) or pool.psubscribe(…), which return a Flow"
        "SELECT" -> "set db in the pool's config, or run it inside pool.use { conn -> … }"
        else -> "run it on an exclusive lease: pool.use { conn -> … }"
    }
    throw IllegalArgumentException(
        "$name changes the state of the connection it runs on, so it cannot be a pool-level command " +
            "(pool-level commands share connections with other callers); $hint",
    )
}

private val REFUSED = caseInsensitiveSetOf("HELLO", "AUTH", "QUIT", "MONITOR", "SYNC", "PSYNC", "READONLY", "READWRITE", "ASKING")
private val REFUSED_CLIENT = caseInsensitiveSetOf("SETNAME", "NO-EVICT", "NO-TOUCH", "CACHING")

private fun caseInsensitiveSetOf(vararg names: String): Set<String> =
    java.util.TreeSet(String.CASE_INSENSITIVE_ORDER).apply { addAll(names) }
