package io.hivepool.benchmarks.jmh

import io.hivepool.pool.Pool
import org.openjdk.jmh.annotations.Benchmark
import org.openjdk.jmh.annotations.BenchmarkMode
import org.openjdk.jmh.annotations.Mode
import org.openjdk.jmh.annotations.OutputTimeUnit
import org.openjdk.jmh.annotations.Scope
import org.openjdk.jmh.annotations.Setup
import org.openjdk.jmh.annotations.State
import org.openjdk.jmh.annotations.TearDown
import java.util.concurrent.TimeUnit
import kotlin.time.Duration

/**
 * One caller, no coroutine at all: `tryAcquire()` + `release()`. Only meaningful with recycle skipped
 * (`validateAfterIdle = INFINITE`): tryAcquire never hands out a connection that still needs a recycle.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
open class HivepoolTryAcquirePoolBenchmark {
    private lateinit var pool: Pool<NoIoResource>

    @Setup
    fun setUp() {
        pool = Pool(NoIoManager) {
            name = "jmh-try-acquire"
            maxSize = 8
            validateAfterIdle = Duration.INFINITE
        }
        // tryAcquire never creates: put one idle connection in the pool first
        kotlinx.coroutines.runBlocking { pool.acquire().release() }
    }

    @TearDown
    fun tearDown() {
        pool.close()
    }

    @Benchmark
    fun tryAcquireRelease(): Long {
        val lease = checkNotNull(pool.tryAcquire()) { "tryAcquire found no idle connection; the pool was warmed in setUp" }
        val uses = ++lease.connection.uses
        lease.release()
        return uses
    }
}
