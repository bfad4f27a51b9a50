package io.hivepool.redis.internal.resp

import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisProtocolException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.throwables.shouldThrowExactly
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.ktor.utils.io.ByteReadChannel

class RespReaderLimitsSpec : FunSpec({

    suspend fun read(text: String, maxBulk: Int = RespReader.DEFAULT_MAX_BULK_LENGTH, maxDepth: Int = 64) =
        RespReader(ByteReadChannel(text.toByteArray()), maxBulk, maxDepth).read()

    test("an unknown type byte is a protocol error naming the byte") {
        shouldThrowExactly<RedisProtocolException> { read("?what\r\n") }.message shouldBe
            "invalid RESP from server: unknown type byte 0x3f ('?')"
    }

    test("a bulk string longer than maxBulkLength fails before anything is allocated for it") {
        // 2 GiB - 1 would not fit in memory here; the check must come first.
        shouldThrowExactly<RedisProtocolException> { read("$2147483647\r\n") }.message shouldBe
            "invalid RESP from server: bulk string length 2147483647 exceeds the limit of 536870912 (maxBulkLength)"
        shouldThrowExactly<RedisProtocolException> { read("$11\r\nhello world\r\n", maxBulk = 10) }.message shouldBe
            "invalid RESP from server: bulk string length 11 exceeds the limit of 10 (maxBulkLength)"
    }

    test("an aggregate declaring more elements than the limit fails before reading them") {
        shouldThrowExactly<RedisProtocolException> { read("*2000000000\r\n") }.message shouldBe
            "invalid RESP from server: aggregate size 2000000000 exceeds the limit of 536870912 (maxBulkLength)"
    }

    test("a reply nested deeper than maxNestingDepth is a protocol error") {
        read("*1\r\n".repeat(64) + ":1\r\n")
        shouldThrowExactly<RedisProtocolException> { read("*1\r\n".repeat(65) + ":1\r\n") }.message shouldBe
            "invalid RESP from server: reply nested deeper than 64 levels (maxNestingDepth)"
    }

    test("bad lengths and numbers are protocol errors") {
        shouldThrowExactly<RedisProtocolException> { read("$-5\r\n") }.message shouldBe "invalid RESP from server: negative length -5 after 0x24 ('$')"
        shouldThrowExactly<RedisProtocolException> { read("\$abc\r\n") }.message shouldBe "invalid RESP from server: invalid integer 'abc'"
        shouldThrowExactly<RedisProtocolException> { read(":99999999999999999999\r\n") }.message shouldBe
            "invalid RESP from server: invalid integer '99999999999999999999'"
        shouldThrowExactly<RedisProtocolException> { read("#x\r\n") }.message shouldBe "invalid RESP from server: boolean must be 't' or 'f', got 'x'"
        shouldThrowExactly<RedisProtocolException> { read(",abc\r\n") }.message shouldBe "invalid RESP from server: invalid double 'abc'"
    }

    test("a bulk string not followed by CRLF is a protocol error") {
        shouldThrowExactly<RedisProtocolException> { read("$3\r\nabcd\r\n") }.message shouldBe
            "invalid RESP from server: bulk string of 3 bytes not followed by CRLF"
    }

    test("a stream that ends inside a value is a connection error, a stream that ends between values is not") {
        read("") shouldBe null
        val e = shouldThrow<RedisConnectionException> { read("$10\r\nshort") }
        e.message shouldBe "connection closed by the server in the middle of a reply"
        shouldThrow<RedisConnectionException> { read("*3\r\n:1\r\n") }.message shouldBe "connection closed by the server in the middle of a reply"
        shouldThrow<RedisConnectionException> { read("+OK") }.message shouldBe "connection closed by the server in the middle of a reply"
    }
})
