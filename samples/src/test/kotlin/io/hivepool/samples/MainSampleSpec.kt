package io.hivepool.samples

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.ByteArrayOutputStream
import java.io.PrintStream

class MainSampleSpec : FunSpec({
    test("the main sample starts its own Redis, does its tour, prints it and leaves nothing leased") {
        val printed = ByteArrayOutputStream()
        val report = PrintStream(printed, true, Charsets.UTF_8).use { out -> runMainSample(redisUrl = null, out = out) }
        val text = printed.toString(Charsets.UTF_8)

        report.cacheReads shouldBe 8
        report.cacheLoads shouldBe 3
        report.allowed shouldBe 5
        report.refused shouldBe 3
        report.jobsDone.keys shouldContainExactly setOf("worker-1", "worker-2", "worker-3")
        report.jobsDone.values.sum() shouldBe 12
        report.messages shouldContainExactly listOf("hello", "from", "hivepool")
        report.statsAfterClose.inUse shouldBe 0
        report.statsAfterClose.size shouldBe 0

        text shouldContain "cache-aside: 8 reads, 3 loaded from the database, 5 served from Redis"
        text shouldContain "rate limiter: 5 allowed, 3 refused (limit 5 per 1m)"
        text shouldContain "job queue: 12 jobs done by 3 workers"
        text shouldContain "pub/sub: received [hello, from, hivepool]"
        text shouldContain "pool after close:  size=0 idle=0 leased=0 shared=0"
    }
})
