package io.hivepool.benchmarks.jmh

import io.hivepool.pool.Pool
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
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
import org.openjdk.jmh.annotations.Threads
import java.util.concurrent.TimeUnit

/**
 * Contended: 2 threads (JMH's), each running `runBlocking` with 64 coroutines looping acquire/release on
 * one shared pool of maxSize 8 (128 callers); throughput in acquire+release cycles per second, summed over
 * both threads. Compare with [CommonsContendedPoolBenchmark] (target: ≥ 3× commons-pool2).
 *
 * - [acquireRelease]: the lease is given back before the coroutine can be suspended, so at most 2 leases
 *   are out (one per thread) and the threads race on the pool's shared state without waiting. Compare
 *   with commons-pool2 on 2 threads.
 * - [acquireYieldRelease]: each caller `yield()`s while it holds the lease, so all 8 connections are out
 *   and the other callers queue as waiters: the hand-off path, including resuming a waiter on the other
 *   thread. Compare with commons-pool2 on 128 threads.
 *
 * [CALLS_PER_CALLER] cycles per caller per invocation keep runBlocking's and launch's own cost small.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
open class HivepoolContendedPoolBenchmark {
    @Param("ZERO", "REDIS", "INFINITE")
    lateinit var validateAfterIdle: String

    private lateinit var pool: Pool<NoIoResource>

    @Setup
    fun setUp() {
        val validate = validateAfterIdle(validateAfterIdle)
        pool = Pool(NoIoManager) {
            name = "jmh-contended"
            maxSize = 8
            validateAfterIdle = validate
        }
    }

    @TearDown
    fun tearDown() {
        pool.close()
    }

    @Benchmark
    @OperationsPerInvocation(COROUTINES_PER_THREAD * CALLS_PER_CALLER)
    fun acquireRelease() = runBlocking {
        List(COROUTINES_PER_THREAD) {
            launch {
                repeat(CALLS_PER_CALLER) {
                    val lease = pool.acquire()
                    lease.connection.uses++
                    lease.release()
                }
            }
        }.joinAll()
    }

    @Benchmark
    @OperationsPerInvocation(COROUTINES_PER_THREAD * CALLS_PER_CALLER)
    fun acquireYieldRelease() = runBlocking {
        List(COROUTINES_PER_THREAD) {
            launch {
                repeat(CALLS_PER_CALLER) {
                    val lease = pool.acquire()
                    lease.connection.uses++
                    yield()
                    lease.release()
                }
            }
        }.joinAll()
    }

    private companion object {
        const val COROUTINES_PER_THREAD = 64
        const val CALLS_PER_CALLER = 200
    }
}
