package io.hivepool.benchmarks.load

import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Command-line options of the load generator:
 *
 * `--clients all|a,b,c` `--concurrency 64[,16,...]` `--pool 16` `--duration 10s` `--ops N` `--warmup 3s`
 * `--out results.jsonl` (also append each JSON line to this file: Maven's console may prefix stdout with an
 * ANSI reset code, the file never has one) `--diagnostics` (per client, a [RunCost] line on stderr)
 * `--target single|cluster` (one server, or a Redis Cluster and the cluster clients; see [RedisTarget.resolveCluster])
 * `--slow-over 3ms` (what counts as a slow command in the `slow:` line, the same for every client; by default four
 * times each client's warm-up median, see [SlowCommands])
 *
 * Durations are Kotlin duration strings (`10s`, `500ms`, `1m`) or plain seconds.
 */
data class LoadOptions(
    val clients: List<String> = listOf("all"),
    val concurrency: List<Int> = listOf(64),
    val poolSize: Int = 16,
    val duration: Duration = 10.seconds,
    val ops: Long? = null,
    val warmup: Duration = 3.seconds,
    val out: java.io.File? = null,
    val diagnostics: Boolean = false,
    val target: TargetKind = TargetKind.SINGLE,
    val slowOver: Duration? = null,
) {
    companion object {
        const val USAGE: String =
            "usage: LoadGenerator [--clients all|name,name] [--concurrency 64[,16,...]] [--pool 16] " +
                "[--duration 10s | --ops N] [--warmup 3s] [--out results.jsonl] [--diagnostics] [--target single|cluster] [--slow-over 3ms]"

        /** Parses [args]; throws [IllegalArgumentException] naming the bad option. */
        fun parse(args: Array<String>): LoadOptions {
            var options = LoadOptions()
            var i = 0
            fun value(option: String): String =
                args.getOrNull(++i) ?: throw IllegalArgumentException("$option needs a value; $USAGE")
            while (i < args.size) {
                when (val option = args[i]) {
                    "--clients" -> options = options.copy(clients = value(option).split(',').map { it.trim() }.filter { it.isNotEmpty() })
                    "--concurrency" -> options = options.copy(concurrency = value(option).split(',').map { positiveInt(option, it) })
                    "--pool" -> options = options.copy(poolSize = positiveInt(option, value(option)))
                    "--duration" -> options = options.copy(duration = duration(option, value(option)))
                    "--ops" -> options = options.copy(ops = positiveInt(option, value(option)).toLong())
                    "--warmup" -> options = options.copy(warmup = duration(option, value(option), allowZero = true))
                    "--out" -> options = options.copy(out = java.io.File(value(option)))
                    "--diagnostics" -> options = options.copy(diagnostics = true)
                    "--target" -> options = options.copy(target = target(option, value(option)))
                    "--slow-over" -> options = options.copy(slowOver = duration(option, value(option)))
                    "--help", "-h" -> throw IllegalArgumentException(USAGE)
                    else -> throw IllegalArgumentException("unknown option $option; $USAGE")
                }
                i++
            }
            return options
        }

        private fun target(option: String, text: String): TargetKind = when (text.trim().lowercase()) {
            "single" -> TargetKind.SINGLE
            "cluster" -> TargetKind.CLUSTER
            else -> throw IllegalArgumentException("$option must be single or cluster, was $text")
        }

        private fun positiveInt(option: String, text: String): Int =
            text.trim().toIntOrNull()?.takeIf { it > 0 } ?: throw IllegalArgumentException("$option must be a positive integer, was $text")

        private fun duration(option: String, text: String, allowZero: Boolean = false): Duration {
            val parsed = text.toLongOrNull()?.seconds ?: Duration.parseOrNull(text)
                ?: throw IllegalArgumentException("$option must be a duration such as 10s or 500ms, was $text")
            require(parsed.isPositive() || (allowZero && parsed == Duration.ZERO)) {
                "$option must be ${if (allowZero) ">= 0" else "> 0"}, was $text"
            }
            return parsed
        }
    }
}
