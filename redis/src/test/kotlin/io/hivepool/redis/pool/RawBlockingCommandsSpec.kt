package io.hivepool.redis.pool

import io.hivepool.redis.RespValue
import io.hivepool.redis.del
import io.hivepool.redis.execute
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlin.time.Duration.Companion.milliseconds

/** Blocking commands sent as raw arguments get their block time added to commandTimeout, as the typed ones do. */
class RawBlockingCommandsSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    // commandTimeout well below every block time: a deadline of commandTimeout alone would break the connection
    fun short(name: String): io.hivepool.redis.RedisPoolConfig.Builder.() -> Unit = {
        uri = server.uri
        clientName = name
        commandTimeout = 150.milliseconds
        maxSize = 3
    }

    test("a pool-level execute(\"BLPOP\", key, seconds) waits its block time and keeps the connection") {
        withPool(short("raw-blpop")) { pool ->
            pool.del("raw:q")
            pool.execute("BLPOP", "raw:q", "0.6") shouldBe RespValue.Null
            pool.stats.destroyedBroken shouldBe 0
        }
    }

    test("execute(\"BLPOP\") on a lease waits its block time and the lease's connection stays usable") {
        withPool(short("raw-lease")) { pool ->
            pool.use { conn ->
                conn.execute("BLPOP", "raw:none", "0.6") shouldBe RespValue.Null
                conn.execute("PING") shouldBe RespValue.SimpleString("PONG")
            }
            pool.stats.destroyedBroken shouldBe 0
        }
    }

    test("XREAD BLOCK and WAIT through execute get their block time in milliseconds") {
        withPool(short("raw-xread")) { pool ->
            pool.del("raw:s")
            pool.execute("XREAD", "BLOCK", "600", "STREAMS", "raw:s", "$") shouldBe RespValue.Null
            // no replica will ever acknowledge, so WAIT holds the reply for its whole timeout
            pool.execute("WAIT", "1", "600") shouldBe RespValue.Integer(0)
            pool.stats.destroyedBroken shouldBe 0
        }
    }
})
