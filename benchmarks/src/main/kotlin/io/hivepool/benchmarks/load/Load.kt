package io.hivepool.benchmarks.load

import kotlin.time.Duration

/**
 * The shape of one run: [concurrency] callers over the keys of [keyspace]; measure for [duration], or
 * until [ops] commands have completed when set; [warmup] of unrecorded load first. A command over [slowOver] (null:
 * four times the warm-up's median) is logged as slow ([SlowCommands]).
 */
data class Load(
    val concurrency: Int,
    val duration: Duration,
    val ops: Long?,
    val warmup: Duration,
    val keyspace: Keyspace,
    val slowOver: Duration? = null,
)
