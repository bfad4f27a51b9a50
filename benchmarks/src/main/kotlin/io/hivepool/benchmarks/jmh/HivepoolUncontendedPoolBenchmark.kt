package io.hivepool.benchmarks.jmh

import io.hivepool.pool.Pool
import kotlinx.coroutines.runBlocking
import org.openjdk.jmh.annotations.Benchmark
import org.openjdk.jmh.annotations.BenchmarkMode
import org.openjdk.jmh.annotations.Mode
import org.openjdk.jmh.annotations.OperationsPerInvocation
import org.openjdk.jmh.annotations.OutputTimeUnit
import org.openjdk.jmh.annotations.Param
import org.openjdk.jmh.annotations.Scope
import org.openjdk.jmh.annotations.Setup
import org.openjdk.jmh.annotations.State
import org.openjdk.jmh.annotations.TearDown
import java.util.concurrent.TimeUnit

/**
 * One caller, no contention: the cost of one `acquire()` + `release()` of an idle no-I/O resource
 * (target: ≤ 100 ns). The loop runs inside one coroutine so `runBlocking`'s own set-up (a few µs) is
 * spread over [BATCH] cycles instead of being measured.
 *
 * `validateAfterIdle`: `ZERO` calls the manager's (non-suspending) recycle on every borrow, `REDIS` (30 s, the
 * Redis pool's setting) and `INFINITE` skip it (REDIS still asks the manager's needsRecycle on each borrow).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
open class HivepoolUncontendedPoolBenchmark {
    @Param("ZERO", "REDIS", "INFINITE")
    lateinit var validateAfterIdle: String

    private lateinit var pool: Pool<NoIoResource>

    @Setup
    fun setUp() {
        val validate = validateAfterIdle(validateAfterIdle)
        pool = Pool(NoIoManager) {
            name = "jmh-uncontended"
            maxSize = 8
            validateAfterIdle = validate
        }
    }

    @TearDown
    fun tearDown() {
        pool.close()
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    fun acquireRelease(): Long = runBlocking {
        var sum = 0L
        repeat(BATCH) {
            val lease = pool.acquire()
            sum += ++lease.connection.uses
            lease.release()
        }
        sum
    }

    private companion object {
        const val BATCH = 1_000
    }
}
