package io.hivepool.samples

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.io.ByteArrayOutputStream
import java.io.PrintStream

class ClusterSampleSpec : FunSpec({
    test("the cluster sample starts its own 3-primary cluster, routes by slot and prints its tour") {
        val printed = ByteArrayOutputStream()
        val report = PrintStream(printed, true, Charsets.UTF_8).use { out -> runClusterSample(seeds = null, out = out) }
        val text = printed.toString(Charsets.UTF_8)

        report.primaries shouldBe 3
        report.keysPerPrimary.size shouldBe 3
        report.keysPerPrimary.values.sum() shouldBe 30
        report.pipelined shouldBe 30
        report.counter shouldBe 2L
        report.crossSlot shouldStartWith "MGET: keys in different slots"
        report.scanned shouldBe 30
        text shouldContain "hash-tagged keys read together: [3, 42]"
        text shouldContain "pipeline over every node: 30 replies, in the order queued"
    }
})
