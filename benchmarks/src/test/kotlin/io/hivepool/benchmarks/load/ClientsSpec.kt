package io.hivepool.benchmarks.load

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class ClientsSpec : FunSpec({
    test("all runs Hivepool's three clients first, then the peers") {
        Clients.select(listOf("all")).keys.toList() shouldBe listOf(
            "hivepool-lease", "hivepool-pool", "hivepool-pipeline",
            "lettuce-shared", "jedis-pool", "lettuce-commons-pool2", "redis-benchmark", "redis-benchmark-set-P16",
        )
    }

    test("a comma list selects those clients in the order given") {
        Clients.select(listOf("jedis-pool", "hivepool-pool")).keys.toList() shouldBe listOf("jedis-pool", "hivepool-pool")
    }

    test("an unknown client is refused with the list of known ones") {
        shouldThrow<IllegalArgumentException> { Clients.select(listOf("hivepool-magic")) }.message shouldBe
            "unknown client hivepool-magic; known clients: hivepool-lease, hivepool-pool, hivepool-pipeline, lettuce-shared, " +
            "jedis-pool, lettuce-commons-pool2, redis-benchmark, redis-benchmark-set-P16 (or all)"
    }
})
