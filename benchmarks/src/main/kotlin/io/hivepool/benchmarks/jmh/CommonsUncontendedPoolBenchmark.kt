package io.hivepool.benchmarks.jmh

import org.apache.commons.pool2.impl.GenericObjectPool
import org.openjdk.jmh.annotations.Benchmark
import org.openjdk.jmh.annotations.BenchmarkMode
import org.openjdk.jmh.annotations.Mode
import org.openjdk.jmh.annotations.OutputTimeUnit
import org.openjdk.jmh.annotations.Param
import org.openjdk.jmh.annotations.Scope
import org.openjdk.jmh.annotations.Setup
import org.openjdk.jmh.annotations.State
import org.openjdk.jmh.annotations.TearDown
import java.util.concurrent.TimeUnit

/**
 * The commons-pool2 baseline for [HivepoolUncontendedPoolBenchmark]: one thread, `borrowObject()` +
 * `returnObject()` of an idle no-I/O resource. `testOnBorrow = true` is the analogue of Hivepool's
 * `validateAfterIdle = ZERO` (a cheap check on every borrow).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
open class CommonsUncontendedPoolBenchmark {
    @Param("true", "false")
    var testOnBorrow: Boolean = false

    private lateinit var pool: GenericObjectPool<NoIoResource>

    @Setup
    fun setUp() {
        pool = commonsPool(maxTotal = 8, testOnBorrow = testOnBorrow)
    }

    @TearDown
    fun tearDown() {
        pool.close()
    }

    @Benchmark
    fun borrowReturn(): Long {
        val resource = pool.borrowObject()
        val uses = ++resource.uses
        pool.returnObject(resource)
        return uses
    }
}
