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
 * (16 callers per connection). Throughput in borrow+return cycles per second, summed over the threads.
 *
 * With 128 threads on a machine with few cores, a thread is rarely descheduled while it holds an object, so
 * few borrowers actually block; [borrowYieldReturn128Threads] gives the CPU away while holding (as
 * Hivepool's `acquireYieldRelease` suspends while holding), so the 8 objects are out and borrowers do wait.
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

    @Benchmark
    @Threads(128)
    fun borrowYieldReturn128Threads(): Long {
        val resource = pool.borrowObject()
        val uses = ++resource.uses
        Thread.yield()
        pool.returnObject(resource)
        return uses
    }

    private fun cycle(): Long {
        val resource = pool.borrowObject()
        val uses = ++resource.uses
        pool.returnObject(resource)
        return uses
    }
}
