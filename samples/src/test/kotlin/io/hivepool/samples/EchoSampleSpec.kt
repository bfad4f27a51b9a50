package io.hivepool.samples

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.ByteArrayOutputStream
import java.io.PrintStream

class EchoSampleSpec : FunSpec({
    test("twenty echo requests share at most four pooled TCP connections and a hung-up one is destroyed") {
        val printed = ByteArrayOutputStream()
        val report = PrintStream(printed, true, Charsets.UTF_8).use { out -> runEchoSample(out) }

        report.replies shouldContainExactly (1..20).map { "message $it" }
        report.serverAccepted shouldBeLessThanOrEqual 5 // at most 4 at once, plus the replacement of the hung-up one
        report.stats.destroyedBroken shouldBe 1
        report.stats.inUse shouldBe 0
        report.stats.size shouldBe 0
        printed.toString(Charsets.UTF_8) shouldContain "echo: after one more request: still here"
    }
})
