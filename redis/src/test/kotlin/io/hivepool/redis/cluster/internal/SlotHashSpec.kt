package io.hivepool.redis.cluster.internal

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class SlotHashSpec : FunSpec({
    test("CRC16 is the XMODEM variant: the check value of \"123456789\" is 0x31C3") {
        SlotHash.crc16("123456789".encodeToByteArray()) shouldBe 0x31C3
    }

    test("known slots: foo is 12182, bar is 5061, the empty key is 0") {
        SlotHash.slotOf("foo") shouldBe 12182
        SlotHash.slotOf("bar") shouldBe 5061
        SlotHash.slotOf("") shouldBe 0
    }

    test("keys with the same hash tag share a slot, the slot of the tag alone") {
        SlotHash.slotOf("{user1000}.following") shouldBe SlotHash.slotOf("{user1000}.followers")
        SlotHash.slotOf("{user1000}.following") shouldBe SlotHash.slotOf("user1000")
        SlotHash.slotOf("a{foo}b") shouldBe 12182
    }

    test("only the first tag counts, an empty tag means the whole key, and an unclosed brace is part of the key") {
        SlotHash.slotOf("foo{{bar}}zap") shouldBe SlotHash.slotOf("{bar")
        SlotHash.slotOf("{}foo") shouldBe SlotHash.crc16("{}foo".encodeToByteArray()) % 16384
        SlotHash.slotOf("foo{}{bar}") shouldBe SlotHash.crc16("foo{}{bar}".encodeToByteArray()) % 16384
        SlotHash.slotOf("foo{bar") shouldBe SlotHash.crc16("foo{bar".encodeToByteArray()) % 16384
        SlotHash.slotOf("foo{bar}{zap}") shouldBe SlotHash.slotOf("bar")
    }

    test("binary keys hash their bytes, the same as the UTF-8 string") {
        SlotHash.slotOf("clé".encodeToByteArray()) shouldBe SlotHash.slotOf("clé")
        SlotHash.slotOfArg(byteArrayOf(0xFF.toByte(), 0x00)) shouldBe SlotHash.crc16(byteArrayOf(0xFF.toByte(), 0x00)) % 16384
    }
})
