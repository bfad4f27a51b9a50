package io.hivepool.benchmarks.load

import kotlin.time.Duration.Companion.seconds

/**
 * `redis-benchmark` (C, one connection per caller) as the practical limit of the machine, run as a child
 * process and its `--csv` line turned into the same [RunResult]. It reports p50 and p99 but no p99.9.
 *
 * [pipeline] > 1 is the SET `-P` run used for the pipeline comparison (Hivepool's pipeline client).
 * Without `--ops` the request count is estimated from `--duration` at [expectedRate] requests/s, since
 * redis-benchmark stops on a count, not a clock; there is no separate warm-up (it needs none).
 */
class RedisBenchmarkClient(
    private val target: RedisTarget,
    private val pipeline: Int = 1,
    private val expectedRate: Long = if (pipeline > 1) 1_000_000 else 100_000,
    private val executable: String = System.getenv("REDIS_BENCHMARK")?.takeIf { it.isNotBlank() } ?: "redis-benchmark",
) : Client {
    private val command = if (pipeline > 1) "set" else "get"
    override val name: String = if (pipeline > 1) "redis-benchmark-set-P$pipeline" else "redis-benchmark"
    override var connections: Int = 0
        private set

    override fun run(load: Load): RunResult {
        connections = load.concurrency
        val requests = load.ops ?: maxOf(10_000L, (load.duration / 1.seconds * expectedRate).toLong())
        val args = buildList {
            addAll(listOf(executable, "-h", target.host, "-p", target.port.toString()))
            target.user?.let { addAll(listOf("--user", it)) }
            target.password?.let { addAll(listOf("-a", it)) }
            addAll(listOf("-t", command, "-c", load.concurrency.toString(), "-n", requests.toString()))
            addAll(listOf("-d", load.keyspace.valueSize.toString(), "-r", load.keyspace.size.toString(), "--csv"))
            if (pipeline > 1) addAll(listOf("-P", pipeline.toString()))
        }
        val process = try {
            ProcessBuilder(args).redirectErrorStream(true).start()
        } catch (e: java.io.IOException) {
            throw IllegalStateException("could not start $executable (${e.message}); install redis-tools or set REDIS_BENCHMARK", e)
        }
        val output = process.inputStream.bufferedReader().readText() // until it exits
        val exit = process.waitFor()
        check(exit == 0) { "$executable exited with $exit: $output" }
        return parseCsv(output, command, name, load.concurrency)
    }

    override fun close() {}

    companion object {
        /**
         * Reads redis-benchmark's `--csv` output (a header, then one row per test such as
         * `"GET","76923.08","0.063","0.016","0.055","0.103","0.207","10.607"`) into a [RunResult] for [command].
         */
        fun parseCsv(output: String, command: String, client: String, concurrency: Int): RunResult {
            val test = command.uppercase()
            val lines = output.lines().map { it.trim() }.filter { it.startsWith("\"") }
            val header = lines.firstOrNull { it.startsWith("\"test\"") }?.let(::fields)
                ?: error("no CSV header in redis-benchmark output: $output")
            val row = lines.firstOrNull { it.startsWith("\"$test\"") }?.let(::fields)
                ?: error("no $test row in redis-benchmark output: $output")
            fun column(name: String): Double? = header.indexOf(name).takeIf { it >= 0 }?.let { row.getOrNull(it)?.toDoubleOrNull() }
            return RunResult(
                client = client,
                concurrency = concurrency,
                pool = concurrency,
                opsPerSecond = column("rps") ?: error("no rps column in redis-benchmark output: $output"),
                p50Micros = column("p50_latency_ms")?.times(1000),
                p99Micros = column("p99_latency_ms")?.times(1000),
                p999Micros = null,
                errors = 0,
            )
        }

        private fun fields(line: String): List<String> = line.split(',').map { it.trim().removeSurrounding("\"") }
    }
}
