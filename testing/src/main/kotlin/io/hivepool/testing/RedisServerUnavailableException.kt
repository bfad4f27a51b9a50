package io.hivepool.testing

/**
 * Thrown by [RedisServer.start] when no way to get a server worked. The message lists each way
 * tried, in order, and why it failed; [attempts] holds the same lines.
 */
public class RedisServerUnavailableException internal constructor(
    /**
     * One entry per way tried, e.g. `"redis-server on PATH: not found in PATH (/usr/bin:/bin)"`;
     * the entry of a server that failed to start ends with its last log lines.
     */
    public val attempts: List<String>,
) : RuntimeException(
    buildString {
        appendLine("no Redis server could be started for the tests; tried, in order:")
        // multi-line reasons (a server log tail) stay indented under their number
        attempts.forEachIndexed { i, line -> appendLine("  ${i + 1}. ${line.trimEnd().replace("\n", "\n     ")}") }
        append(
            "Install redis-server (e.g. apt-get install redis-server), set REDIS_SERVER to a redis-server binary, " +
                "or set REDIS_URL to a running server.",
        )
    },
)
