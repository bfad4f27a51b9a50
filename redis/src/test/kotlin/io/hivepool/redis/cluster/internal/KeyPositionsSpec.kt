package io.hivepool.redis.cluster.internal

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class KeyPositionsSpec : FunSpec({
    fun keys(vararg args: Any) = KeyPositions.keys(KeyPositions.name(args.toList()), args.toList())

    test("single-key commands name their first argument") {
        keys("get", "k") shouldBe listOf("k")
        keys("SET", "k", "v", "EX", 10) shouldBe listOf("k")
        keys("XGROUP", "CREATE", "s", "g", "$") shouldBe listOf("s")
        keys("MEMORY", "USAGE", "k") shouldBe listOf("k")
    }

    test("multi-key commands name every key: all arguments, every other one, or all but the timeout") {
        keys("MGET", "a", "b", "c") shouldBe listOf("a", "b", "c")
        keys("MSET", "a", "1", "b", "2") shouldBe listOf("a", "b")
        keys("BLPOP", "a", "b", 5) shouldBe listOf("a", "b")
        keys("LMOVE", "a", "b", "LEFT", "RIGHT") shouldBe listOf("a", "b")
    }

    test("numkeys commands name the keys they count, ZUNIONSTORE its destination too") {
        keys("EVAL", "return 1", 2, "a", "b", "arg") shouldBe listOf("a", "b")
        keys("EVALSHA", "abc", 0, "arg") shouldBe emptyList()
        keys("ZUNIONSTORE", "d", 2, "a", "b", "WEIGHTS", 1, 2) shouldBe listOf("d", "a", "b")
        keys("ZUNION", 2, "a", "b") shouldBe listOf("a", "b")
    }

    test("XREAD names the streams after STREAMS, not their ids") {
        keys("XREAD", "COUNT", 10, "STREAMS", "s1", "s2", "0", "0") shouldBe listOf("s1", "s2")
        keys("XREADGROUP", "GROUP", "g", "c", "BLOCK", 100, "STREAMS", "s", ">") shouldBe listOf("s")
    }

    test("SPUBLISH names its channel, so sharded pub/sub goes to the channel's slot") {
        keys("SPUBLISH", "orders:{eu}", "m") shouldBe listOf("orders:{eu}")
    }

    test("keyless and unknown commands have no keys") {
        keys("PING") shouldBe emptyList()
        keys("PUBLISH", "ch", "m") shouldBe emptyList()
        keys("SOMENEWCOMMAND", "x") shouldBe emptyList()
    }

    test("reads are told from writes, XREAD only without BLOCK") {
        KeyPositions.isReadOnly("GET", listOf("GET", "k")) shouldBe true
        KeyPositions.isReadOnly("SET", listOf("SET", "k", "v")) shouldBe false
        KeyPositions.isReadOnly("XREAD", listOf("XREAD", "STREAMS", "s", "0")) shouldBe true
        KeyPositions.isReadOnly("XREAD", listOf("XREAD", "BLOCK", 10, "STREAMS", "s", "0")) shouldBe false
    }
})
