package io.hivepool.redis.pool

import io.hivepool.redis.StreamEntry
import io.hivepool.redis.del
import io.hivepool.redis.xack
import io.hivepool.redis.xadd
import io.hivepool.redis.xautoclaim
import io.hivepool.redis.xclaim
import io.hivepool.redis.xgroupCreate
import io.hivepool.redis.xlen
import io.hivepool.redis.xpending
import io.hivepool.redis.xrange
import io.hivepool.redis.xread
import io.hivepool.redis.xreadgroup
import io.hivepool.redis.xrevrange
import io.hivepool.redis.xtrim
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

class StreamCommandsSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    for (protocol in listOf(3, 2)) {
        test("RESP$protocol: XADD, XRANGE, XREVRANGE, XLEN, XTRIM and XREAD decode alike") {
            withPool({ uri = server.uri; this.protocol = protocol }) { pool ->
                val key = "st:$protocol"
                pool.del(key)
                pool.xadd(key, mapOf("a" to "1"), id = "1-0") shouldBe "1-0"
                pool.xadd(key, "b" to "2", "c" to "3")
                pool.xlen(key) shouldBe 2L
                val all = pool.xrange(key)
                all.first() shouldBe StreamEntry("1-0", mapOf("a" to "1"))
                all[1].fields shouldBe mapOf("b" to "2", "c" to "3")
                pool.xrevrange(key, count = 1) shouldBe listOf(all[1])
                pool.xread(mapOf(key to "0-0"), count = 1) shouldBe mapOf(key to listOf(all[0]))
                pool.xread(mapOf(key to all[1].id)) shouldBe emptyMap()
                pool.xtrim(key, maxLen = 1) shouldBe 1L
                pool.xrange(key) shouldBe listOf(all[1])
            }
        }
    }

    test("consumer groups: XREADGROUP, XPENDING, XCLAIM, XAUTOCLAIM, XACK") {
        withPool({ uri = server.uri }) { pool ->
            pool.del("st:g")
            pool.xgroupCreate("st:g", "grp", id = "0", mkStream = true)
            val id = pool.xadd("st:g", "f" to "v")
            pool.xreadgroup("grp", "alice", mapOf("st:g" to ">")) shouldBe mapOf("st:g" to listOf(StreamEntry(id, mapOf("f" to "v"))))
            val summary = pool.xpending("st:g", "grp")
            summary.count shouldBe 1L
            summary.consumers shouldBe mapOf("alice" to 1L)
            pool.xpending("st:g", "grp", "-", "+", 10).single().consumer shouldBe "alice"
            pool.xclaim("st:g", "grp", "bob", Duration.ZERO, id).single().id shouldBe id
            val claimed = pool.xautoclaim("st:g", "grp", "carol", Duration.ZERO)
            claimed.entries.single().id shouldBe id
            pool.xack("st:g", "grp", id) shouldBe 1L
            pool.xpending("st:g", "grp").count shouldBe 0L
        }
    }

    test("XREAD BLOCK as a pool-level command waits on a lease and returns the new entry") {
        withPool({ uri = server.uri; maxSize = 3 }) { pool ->
            pool.del("st:b")
            pool.xadd("st:b", "x" to "0")
            val read = async(start = CoroutineStart.UNDISPATCHED) { pool.xread(mapOf("st:b" to "$"), block = 10.seconds) }
            while (server.command("CLIENT", "LIST").lines().none { "cmd=xread" in it }) kotlinx.coroutines.delay(5)
            val id = pool.xadd("st:b", "x" to "1")
            read.await() shouldBe mapOf("st:b" to listOf(StreamEntry(id, mapOf("x" to "1"))))
        }
    }
})
