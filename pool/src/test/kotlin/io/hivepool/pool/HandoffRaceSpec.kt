package io.hivepool.pool

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancel
import kotlinx.coroutines.withContext
import java.util.Collections
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration

/**
 * Real threads, no virtual time: the grant of a connection created on a pool thread can land at any point
 * of the waiter's own path into suspension, and exactly one side may resume the waiter. More threads than
 * cores make the scheduler preempt inside that path.
 */
class HandoffRaceSpec : FunSpec({
    test("a connection created on another thread is handed to its waiter exactly once") {
        val errors = Collections.synchronizedList(mutableListOf<Throwable>())
        val handler = CoroutineExceptionHandler { _, e -> errors += e }
        val created = AtomicInteger()
        val manager = object : ConnectionManager<Int> {
            override suspend fun create(): Int = created.incrementAndGet()
            override suspend fun destroy(conn: Int) {}
        }
        val poolThreads = Executors.newFixedThreadPool(8).asCoroutineDispatcher()
        val callerThreads = Executors.newFixedThreadPool(8).asCoroutineDispatcher()
        try {
            repeat(1_000) { iteration ->
                val scope = CoroutineScope(SupervisorJob() + poolThreads + handler)
                val pool = Pool(manager) {
                    maxSize = 8
                    this.scope = scope
                }
                // Every acquire on an empty pool waits for a create that finishes on a pool thread.
                val leases = withContext(callerThreads) { List(8) { async { pool.acquire() } }.awaitAll() }
                leases.map { it.connection }.toSet().size shouldBe 8
                leases.forEach { it.release() }
                pool.close(Duration.ZERO)
                scope.cancel()
                if (errors.isNotEmpty()) throw AssertionError("iteration $iteration: ${errors.first()}", errors.first())
            }
            errors.shouldBeEmpty()
        } finally {
            poolThreads.close()
            callerThreads.close()
        }
    }
})
