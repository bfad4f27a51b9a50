package io.hivepool.benchmarks.jmh

import org.apache.commons.pool2.impl.GenericObjectPool
import org.openjdk.jmh.annotations.Benchmark
import org.openjdk.jmh.annotations.BenchmarkMode
import org.openjdk.jmh.annotations.Mode
import org.openjdk.jmh.annotations.OutputTimeUnit
import org.openjdk.jmh.annotations.Scope
import org.openjdk.jmh.annotations.Setup
import org.openjdk.jmh.annotations.State
import org.openjdk.jmh.annotations.TearDown
import org.openjdk.jmh.annotations.Threads
import java.util.concurrent.TimeUnit

/**
 * The commons-pool2 baseline for [HivepoolContendedPoolBenchmark]: `GenericObjectPool` with maxTotal 8
 * (blocking borrow, testOnBorrow off), shared by 2 JMH threads (racing, never waiting) or by 128 JMH threads
 * (16 callers per connection; most of them block in borrowObject, as Hivepool's waiters suspend).
 * Throughput in borrow+return cycles per second, summed over the threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
open class CommonsContendedPoolBenchmark {
    private lateinit var pool: GenericObjectPool<NoIoResource>

    @Setup
    fun setUp() {
        pool = commonsPool(maxTotal = 8, testOnBorrow = false)
    }

    @TearDown
    fun tearDown() {
        pool.close()
    }

    @Benchmark
    @Threads(2)
    fun borrowReturn2Threads(): Long = cycle()

    @Benchmark
    @Threads(128)
    fun borrowReturn128Threads(): Long = cycle()

    private fun cycle(): Long {
        val resource = pool.borrowObject()
        val uses = ++resource.uses
        pool.returnObject(resource)
        return uses
    }
}
