package io.hivepool.benchmarks.load

import java.util.Locale

/**
 * The outcome of one run, printed as one JSON line with the fields DESIGN §5 names. A latency that the
 * client cannot report (redis-benchmark has no p99.9) is `null`.
 */
data class RunResult(
    val client: String,
    val concurrency: Int,
    val pool: Int,
    val opsPerSecond: Double,
    val p50Micros: Double?,
    val p99Micros: Double?,
    val p999Micros: Double?,
    val errors: Long,
) {
    /** `{"client":...,"concurrency":...,"pool":...,"ops_per_s":...,"p50_us":...,"p99_us":...,"p999_us":...,"errors":...}` */
    fun toJson(): String = buildString {
        append("{\"client\":\"").append(client.replace("\\", "\\\\").replace("\"", "\\\"")).append('"')
        append(",\"concurrency\":").append(concurrency)
        append(",\"pool\":").append(pool)
        append(",\"ops_per_s\":").append(Math.round(opsPerSecond))
        append(",\"p50_us\":").append(micros(p50Micros))
        append(",\"p99_us\":").append(micros(p99Micros))
        append(",\"p999_us\":").append(micros(p999Micros))
        append(",\"errors\":").append(errors)
        append('}')
    }

    private fun micros(value: Double?): String = value?.let { String.format(Locale.ROOT, "%.1f", it) } ?: "null"
}
