@file:OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)

package io.hivepool.pool

import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.runTest
import kotlin.time.Duration.Companion.minutes

/** Runs [block] on virtual time; every pool a test makes with [testPool] runs its background jobs there too. */
fun poolTest(block: suspend TestScope.() -> Unit): Unit = runTest(timeout = 1.minutes) { block() }

/** A pool on the test's virtual clock whose background jobs are children of the test's background scope. */
fun <T> TestScope.testPool(manager: ConnectionManager<T>, configure: PoolConfig.Builder.() -> Unit = {}): Pool<T> =
    Pool(manager) {
        name = "test"
        timeSource = testScheduler.timeSource
        scope = backgroundScope
        configure()
    }

/** Pool on virtual time whose [FakeManager] refuses creates beyond the pool's own maxSize. */
fun TestScope.fakePool(manager: FakeManager, configure: PoolConfig.Builder.() -> Unit = {}): Pool<FakeConn> {
    val pool = testPool(manager, configure)
    manager.limit = { pool.config.maxSize }
    return pool
}

/** Invariant 1 as the pool reports it. */
fun Pool<*>.shouldRespectMaxSize() {
    val s = stats
    s.size shouldBeLessThanOrEqual config.maxSize
    (s.idle + s.inUse + s.creating) shouldBeLessThanOrEqual config.maxSize
}

fun FakeManager.shouldHaveNoViolations() {
    violations.shouldBeEmpty()
}
