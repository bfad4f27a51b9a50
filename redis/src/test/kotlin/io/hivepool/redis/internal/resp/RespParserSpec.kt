package io.hivepool.redis.internal.resp

import io.hivepool.redis.RespValue
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlin.random.Random

class RespParserSpec : FunSpec({

    /** Feeds [bytes] into [parser] in one read, as the connection does. */
    fun RespParser.feed(bytes: ByteArray) {
        var off = 0
        while (off < bytes.size) {
            prepareForRead()
            val n = minOf(bytes.size - off, buffer.size - end)
            System.arraycopy(bytes, off, buffer, end, n)
            advance(n)
            off += n
        }
    }

    test("a huge bulk header alone allocates nothing for the payload it announces") {
        val parser = RespParser(initialSize = 16 * 1024)
        parser.feed("\$500000000\r\n".toByteArray() + ByteArray(100))
        parser.parse() shouldBe null
        parser.buffer.size shouldBe 16 * 1024
    }

    test("memory grows with the bytes that really arrive, at most twice what is buffered") {
        val parser = RespParser(initialSize = 1024)
        parser.feed("\$500000000\r\n".toByteArray())
        var received = 0
        repeat(40) {
            parser.feed(ByteArray(10_000))
            received += 10_000
            parser.parse() shouldBe null
            parser.buffer.size shouldBeLessThanOrEqual 2 * (received + 64)
        }
    }

    test("an aggregate split across many reads is parsed once per byte and keeps its elements") {
        val n = 10_000
        val text = "*$n\r\n" + (0 until n).joinToString("") { "\$${"v$it".length}\r\nv$it\r\n" }
        val bytes = text.toByteArray()
        val parser = RespParser(initialSize = 64)
        var value: RespValue? = null
        var off = 0
        val random = Random(42)
        while (value == null) {
            parser.prepareForRead()
            val chunk = minOf(bytes.size - off, parser.buffer.size - parser.end, random.nextInt(1, 200))
            System.arraycopy(bytes, off, parser.buffer, parser.end, chunk)
            parser.advance(chunk)
            off += chunk
            value = parser.parse()
        }
        off shouldBe bytes.size
        val elements = (value as RespValue.Array).elements
        elements.size shouldBe n
        elements.forEachIndexed { i, e -> withClue(i) { (e as RespValue.BulkString).asString() shouldBe "v$i" } }
        // The buffer never had to hold the whole reply: finished elements leave it.
        parser.buffer.size shouldBeLessThanOrEqual 1024
    }

    test("values arriving together are returned one by one, and the stream may end between them") {
        val parser = RespParser()
        parser.feed("+OK\r\n:42\r\n%1\r\n+a\r\n|1\r\n+k\r\n+meta\r\n+x\r\n\$2\r\nhi".toByteArray())
        parser.parse() shouldBe RespValue.SimpleString("OK")
        parser.parse() shouldBe RespValue.Integer(42)
        parser.parse() shouldBe RespValue.Map(listOf(RespValue.SimpleString("a") to RespValue.SimpleString("x")))
        parser.parse() shouldBe null
        parser.isBetweenValues shouldBe false
        parser.feed("\r\n".toByteArray())
        parser.parse() shouldBe RespValue.BulkString("hi".toByteArray())
        parser.isBetweenValues shouldBe true
    }
})
