package io.hivepool.redis.internal.resp

import io.hivepool.redis.RespValue
import io.kotest.common.ExperimentalKotest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.PropTestConfig
import io.kotest.property.arbitrary.int
import io.kotest.property.arbitrary.list
import io.kotest.property.checkAll
import io.ktor.utils.io.ByteChannel
import io.ktor.utils.io.ByteReadChannel
import io.ktor.utils.io.close
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch

@OptIn(ExperimentalKotest::class)
class RespCodecSpec : FunSpec({

    fun encode(vararg values: RespValue): ByteArray = RespWriter().apply { values.forEach(::writeValue) }.toByteArray()

    test("every RESP type survives a write and read round trip") {
        checkAll(PropTestConfig(iterations = 500), Arb.respValue()) { value ->
            val reader = RespReader(ByteReadChannel(encode(value)))
            reader.read() shouldBe value
            reader.read() shouldBe null
        }
    }

    test("a stream of values read in random chunk sizes decodes to the same values in order") {
        checkAll(PropTestConfig(iterations = 150), Arb.list(Arb.respValue(), 1..8), Arb.int(1..97)) { values, chunk ->
            val bytes = encode(*values.toTypedArray())
            val channel = ByteChannel()
            coroutineScope {
                launch {
                    var at = 0
                    while (at < bytes.size) {
                        val n = minOf(chunk, bytes.size - at)
                        channel.writeFully(bytes, at, at + n)
                        channel.flush()
                        at += n
                    }
                    channel.close()
                }
                val reader = RespReader(channel, initialBufferSize = 16)
                val read = mutableListOf<RespValue>()
                while (true) read += reader.read() ?: break
                read shouldBe values
            }
        }
    }

    test("a request is an array of bulk strings with numbers as decimal text") {
        val bytes = RespWriter.encodeCommand(listOf("SET", "k", 12, -3L, 1.5, Double.NEGATIVE_INFINITY, byteArrayOf(0, 13, 10)))
        bytes.decodeToString() shouldBe
            "*7\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n12\r\n$2\r\n-3\r\n$3\r\n1.5\r\n$4\r\n-inf\r\n$3\r\n\u0000\r\n\r\n"
    }

    test("a string argument holding CRLF stays inside its bulk string") {
        val bytes = RespWriter.encodeCommand(listOf("GET", "a\r\nFLUSHALL\r\n"))
        val parsed = RespReader(ByteReadChannel(bytes)).read()
        parsed shouldBe RespValue.Array(listOf(RespValue.BulkString("GET".toByteArray()), RespValue.BulkString("a\r\nFLUSHALL\r\n".toByteArray())))
    }

    test("RESP2 null bulk string and null array decode to Null") {
        val reader = RespReader(ByteReadChannel("$-1\r\n*-1\r\n_\r\n".toByteArray()))
        reader.read() shouldBe RespValue.Null
        reader.read() shouldBe RespValue.Null
        reader.read() shouldBe RespValue.Null
    }

    test("RESP3 doubles inf, -inf and nan decode to the matching Double") {
        val reader = RespReader(ByteReadChannel(",inf\r\n,-inf\r\n,nan\r\n,1.5e3\r\n".toByteArray()))
        reader.read() shouldBe RespValue.Double(Double.POSITIVE_INFINITY)
        reader.read() shouldBe RespValue.Double(Double.NEGATIVE_INFINITY)
        reader.read() shouldBe RespValue.Double(Double.NaN)
        reader.read() shouldBe RespValue.Double(1500.0)
    }

    test("an attribute in front of a reply or an element is skipped, never returned as the reply") {
        val bytes = "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:1\r\n|1\r\n+ttl\r\n:3\r\n:2\r\n".toByteArray()
        RespReader(ByteReadChannel(bytes)).read() shouldBe RespValue.Array(listOf(RespValue.Integer(1), RespValue.Integer(2)))
    }

    test("a verbatim string keeps its format and text apart") {
        RespReader(ByteReadChannel("=15\r\ntxt:Some string\r\n".toByteArray())).read() shouldBe RespValue.Verbatim("txt", "Some string")
    }
})
