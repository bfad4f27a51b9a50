package io.hivepool.benchmarks.jmh

import io.hivepool.pool.Pool
import kotlinx.coroutines.ExecutorCoroutineDispatcher
import kotlinx.coroutines.asCoroutineDispatcher
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
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * Contended: 2 dispatcher threads × 64 coroutines each (128 callers) looping acquire/release on a pool of
 * maxSize 8; throughput in acquire+release cycles per second. Compare with [CommonsContendedPoolBenchmark]
 * (target: ≥ 3× commons-pool2).
 *
 * - [acquireRelease]: the lease is given back before the coroutine can be suspended, so at most 2 leases
 *   are out (one per thread) and callers race on the pool's shared state, never wait. Compare with
 *   commons-pool2 on 2 threads.
 * - [acquireYieldRelease]: each caller `yield()`s while it holds the lease, so all 8 connections are out
 *   and ~120 callers queue as waiters; this is the hand-off path. Compare with commons-pool2 on 128 threads.
 *
 * The JMH thread only starts the callers and waits; [CALLS_PER_CALLER] cycles per caller per invocation
 * keep the start/join overhead small.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
open class HivepoolContendedPoolBenchmark {
    @Param("ZERO", "INFINITE")
    lateinit var validateAfterIdle: String

    private lateinit var pool: Pool<NoIoResource>
    private lateinit var dispatcher: ExecutorCoroutineDispatcher

    @Setup
    fun setUp() {
        val validate = validateAfterIdle(validateAfterIdle)
        pool = Pool(NoIoManager) {
            name = "jmh-contended"
            maxSize = 8
            validateAfterIdle = validate
        }
        dispatcher = Executors.newFixedThreadPool(THREADS).asCoroutineDispatcher()
    }

    @TearDown
    fun tearDown() {
        pool.close()
        dispatcher.close()
    }

    @Benchmark
    @OperationsPerInvocation(THREADS * COROUTINES_PER_THREAD * CALLS_PER_CALLER)
    fun acquireRelease() = runBlocking {
        List(THREADS * COROUTINES_PER_THREAD) {
            launch(dispatcher) {
                repeat(CALLS_PER_CALLER) {
                    val lease = pool.acquire()
                    lease.connection.uses++
                    lease.release()
                }
            }
        }.joinAll()
    }

    @Benchmark
    @OperationsPerInvocation(THREADS * COROUTINES_PER_THREAD * CALLS_PER_CALLER)
    fun acquireYieldRelease() = runBlocking {
        List(THREADS * COROUTINES_PER_THREAD) {
            launch(dispatcher) {
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
        const val THREADS = 2
        const val COROUTINES_PER_THREAD = 64
        const val CALLS_PER_CALLER = 200
    }
}
