package io.hivepool.redis

import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlin.time.Duration.Companion.milliseconds

class ConnectionStateSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    for (protocol in listOf(2, 3)) {
        context("RESP$protocol") {
            val uri = "${server.uri}/2?protocol=$protocol&clientName=stateful"

            test("SELECT to another db makes the connection dirty and reset brings back the configured db") {
                RedisConnection.connect(uri).use { conn ->
                    conn.select(5)
                    conn.state.db shouldBe 5
                    conn.isDirty.shouldBeTrue()
                    conn.reset()
                    conn.state.db shouldBe 2
                    conn.isDirty.shouldBeFalse()
                    conn.protocol shouldBe protocol
                    conn.clientGetName() shouldBe "stateful"
                    conn.execute("CLIENT", "INFO").toString() shouldContainDb 2
                }
            }

            test("MULTI and WATCH are tracked until EXEC, and reset discards an open transaction") {
                RedisConnection.connect(uri).use { conn ->
                    conn.execute("WATCH", "w")
                    conn.state.watching.shouldBeTrue()
                    conn.execute("MULTI")
                    conn.state.inTransaction.shouldBeTrue()
                    conn.execute("SET", "w", "1") shouldBe RespValue.SimpleString("QUEUED")
                    conn.execute("EXEC")
                    conn.state.inTransaction.shouldBeFalse()
                    conn.state.watching.shouldBeFalse()
                    conn.execute("MULTI")
                    conn.execute("SET", "w", "2")
                    conn.reset()
                    conn.isDirty.shouldBeFalse()
                    conn.get("w") shouldBe "1"
                }
            }

            test("CLIENT REPLY OFF and SKIP are tracked and commands without replies do not wait for one") {
                RedisConnection.connect(uri).use { conn ->
                    conn.execute("CLIENT", "REPLY", "SKIP")
                    conn.execute("SET", "skipped", "1") shouldBe RespValue.Null
                    conn.get("skipped") shouldBe "1"
                    conn.execute("CLIENT", "REPLY", "OFF")
                    conn.state.replyMode shouldBe "OFF"
                    conn.isDirty.shouldBeTrue()
                    conn.execute("SET", "off", "1") shouldBe RespValue.Null
                    conn.execute("CLIENT", "REPLY", "ON") shouldBe RespValue.SimpleString("OK")
                    conn.get("off") shouldBe "1"
                    conn.isDirty.shouldBeFalse()
                }
            }

            test("CLIENT TRACKING and SUBSCRIBE make the connection dirty until reset") {
                RedisConnection.connect(uri).use { conn ->
                    conn.execute("CLIENT", "TRACKING", "ON")
                    conn.state.tracking.shouldBeTrue()
                    conn.reset()
                    conn.state.tracking.shouldBeFalse()
                    conn.execute("SUBSCRIBE", "news")
                    conn.state.subscribed.shouldBeTrue()
                    conn.reset()
                    conn.isDirty.shouldBeFalse()
                    conn.ping() shouldBe "PONG"
                }
            }

            test("a blocking command is counted while in flight") {
                RedisConnection.connect(uri).use { conn ->
                    coroutineScope {
                        val pop = async { conn.execute("BLPOP", "empty-list", 5) }
                        while (conn.state.blockingCommandsInFlight == 0) delay(5.milliseconds)
                        conn.isDirty.shouldBeTrue()
                        RedisConnection.connect(uri).use { other -> other.rpush("empty-list", "x") }
                        pop.await() shouldBe RespValue.Array(listOf(RespValue.BulkString("empty-list".toByteArray()), RespValue.BulkString("x".toByteArray())))
                    }
                    conn.state.blockingCommandsInFlight shouldBe 0
                    conn.isDirty.shouldBeFalse()
                }
            }
        }
    }
})

private infix fun String.shouldContainDb(db: Int) {
    Regex("\\bdb=(\\d+)").find(this)?.groupValues?.get(1) shouldBe db.toString()
}
