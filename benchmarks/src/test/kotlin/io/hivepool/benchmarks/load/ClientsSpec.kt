package io.hivepool.benchmarks.load

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class ClientsSpec : FunSpec({
    test("all runs Hivepool's clients first (Kotlin, then the Java face), then the peers") {
        Clients.select(listOf("all")).keys.toList() shouldBe listOf(
            "hivepool-lease", "hivepool-pool", "hivepool-pipeline", "hivepool-java-lease", "hivepool-java-pool",
            "lettuce-shared", "jedis-pool", "lettuce-commons-pool2", "redis-benchmark", "redis-benchmark-set-P16",
        )
    }

    test("a comma list selects those clients in the order given") {
        Clients.select(listOf("jedis-pool", "hivepool-pool")).keys.toList() shouldBe listOf("jedis-pool", "hivepool-pool")
    }

    test("--clients hivepool-java-lease,hivepool-java-pool selects the Java face's two clients") {
        val options = LoadOptions.parse(arrayOf("--clients", "hivepool-java-lease,hivepool-java-pool"))
        Clients.select(options.clients).keys.toList() shouldBe listOf("hivepool-java-lease", "hivepool-java-pool")
    }

    test("an unknown client is refused with the list of known ones") {
        shouldThrow<IllegalArgumentException> { Clients.select(listOf("hivepool-magic")) }.message shouldBe
            "unknown client hivepool-magic; known clients: hivepool-lease, hivepool-pool, hivepool-pipeline, hivepool-java-lease, " +
            "hivepool-java-pool, lettuce-shared, " +
            "jedis-pool, lettuce-commons-pool2, redis-benchmark, redis-benchmark-set-P16 (or all)"
    }
})
