package io.hivepool.redis.internal

import io.hivepool.redis.Command
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class BlockTimeSpec : FunSpec({
    fun blockFor(vararg args: Any) = Command(args.toList()) { it }.blockFor

    test("the block time of every blocking command is read from its arguments, whatever the case") {
        blockFor("BLPOP", "a", "b", "3") shouldBe 3.seconds
        blockFor("brpop", "a", "1.5") shouldBe 1.5.seconds
        blockFor("BRPOPLPUSH", "a", "b", "2") shouldBe 2.seconds
        blockFor("BLMOVE", "a", "b", "LEFT", "RIGHT", "0.25") shouldBe 250.milliseconds
        blockFor("BLMPOP", "4", "2", "a", "b", "LEFT", "COUNT", "3") shouldBe 4.seconds
        blockFor("BZPOPMIN", "z", 2) shouldBe 2.seconds
        blockFor("BZPOPMAX", "z", 2.5) shouldBe 2.5.seconds
        blockFor("BZMPOP", "1", "1", "z", "MIN") shouldBe 1.seconds
        blockFor("XREAD", "COUNT", "10", "BLOCK", "700", "STREAMS", "s", "$") shouldBe 700.milliseconds
        blockFor("XREADGROUP", "GROUP", "g", "c", "BLOCK", 900L, "NOACK", "STREAMS", "s", ">") shouldBe 900.milliseconds
        blockFor("WAIT", "1", "600") shouldBe 600.milliseconds
        blockFor("WAITAOF", "1", "0", "800") shouldBe 800.milliseconds
        blockFor("BLPOP".toByteArray(), "q".toByteArray(), "5".toByteArray()) shouldBe 5.seconds
    }

    test("0 blocks forever, so the reply has no deadline") {
        blockFor("BLPOP", "q", "0") shouldBe Duration.INFINITE
        blockFor("BLMPOP", "0", "1", "q", "LEFT") shouldBe Duration.INFINITE
        blockFor("XREAD", "BLOCK", "0", "STREAMS", "s", "$") shouldBe Duration.INFINITE
        blockFor("WAIT", "1", "0") shouldBe Duration.INFINITE
    }

    test("names and values that only look like BLOCK do not make a command blocking") {
        blockFor("XREAD", "STREAMS", "BLOCK", "5") shouldBe Duration.ZERO // a stream named BLOCK
        blockFor("XREADGROUP", "GROUP", "BLOCK", "BLOCK", "STREAMS", "s", ">") shouldBe Duration.ZERO // group and consumer named BLOCK
        blockFor("XREAD", "COUNT", "BLOCK", "STREAMS", "s", "$") shouldBe Duration.ZERO // COUNT's value, however odd
        blockFor("GET", "BLOCK") shouldBe Duration.ZERO
        blockFor("BITCOUNT", "k", "0", "5") shouldBe Duration.ZERO
        blockFor("WATCH", "k", "5") shouldBe Duration.ZERO
    }

    test("a block time the server will refuse gives no extra time") {
        blockFor("BLPOP", "q", "soon") shouldBe Duration.ZERO
        blockFor("BLPOP", "q", "-1") shouldBe Duration.ZERO
        blockFor("BLPOP") shouldBe Duration.ZERO
        blockFor("WAIT", "1") shouldBe Duration.ZERO
        blockFor("XREAD", "BLOCK") shouldBe Duration.ZERO
    }

    test("an explicit block time still wins over the derived one") {
        Command(listOf("BLPOP", "q", "1"), blockFor = 7.seconds) { it }.blockFor shouldBe 7.seconds
    }
})
