package io.hivepool.redis.pool

import io.hivepool.redis.Command
import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisScript
import io.hivepool.redis.RespValue
import io.hivepool.redis.Popped
import io.hivepool.redis.blpop
import io.hivepool.redis.del
import io.hivepool.redis.eval
import io.hivepool.redis.execute
import io.hivepool.redis.get
import io.hivepool.redis.hgetAll
import io.hivepool.redis.hset
import io.hivepool.redis.incr
import io.hivepool.redis.pfadd
import io.hivepool.redis.pfcount
import io.hivepool.redis.pfmerge
import io.hivepool.redis.ping
import io.hivepool.redis.redisPool
import io.hivepool.redis.rpush
import io.hivepool.redis.scriptFlush
import io.hivepool.redis.scriptLoad
import io.hivepool.redis.select
import io.hivepool.redis.set
import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class PoolLevelCommandsSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("pool-level commands need no lease and ride on sharedConnections connections only") {
        withPool({ uri = server.uri; clientName = "plc-shared"; maxSize = 8; sharedConnections = 2 }) { pool ->
            pool.set("plc:a", "1")
            withContext(Dispatchers.Default) {
                coroutineScope { (1..200).map { async { pool.incr("plc:n") } }.awaitAll() }
            }
            pool.get("plc:a") shouldBe "1"
            pool.get("plc:n") shouldBe "200"
            pool.hset("plc:h", "f", "v")
            pool.hgetAll("plc:h") shouldBe mapOf("f" to "v")
            server.clientsNamed("plc-shared") shouldBe 2
            pool.stats.inUse shouldBe 2
            pool.stats.size shouldBe 2
        }
    }

    test("commands that change connection state are refused with a message naming the API to use") {
        withPool({ uri = server.uri }) { pool ->
            shouldThrow<IllegalArgumentException> { pool.select(1) }.message shouldBe
                "SELECT changes the state of the connection it runs on, so it cannot be a pool-level command " +
                "(pool-level commands share connections with other callers); set db in the pool's config, or run it inside pool.use { conn -> … }"
            shouldThrow<IllegalArgumentException> { pool.execute("MULTI") }.message shouldBe
                "MULTI changes the state of the connection it runs on, so it cannot be a pool-level command " +
                "(pool-level commands share connections with other callers); use pool.transaction { watch(…); multi { queue { … } } }"
            shouldThrow<IllegalArgumentException> { pool.execute("watch", "k") }.message!!.endsWith("use pool.transaction { watch(…); multi { queue { … } } }") shouldBe true
            shouldThrow<IllegalArgumentException> { pool.execute("SUBSCRIBE", "ch") }.message!!.endsWith(
                "use pool.subscribe(…) or pool.psubscribe(…), which return a Flow",
            ) shouldBe true
            shouldThrow<IllegalArgumentException> { pool.execute("CLIENT", "SETNAME", "x") }.message!!.startsWith(
                "CLIENT SETNAME changes the state of the connection",
            ) shouldBe true
            shouldThrow<IllegalArgumentException> { pool.execute("CLIENT", "REPLY", "OFF") }.message!!.endsWith(
                "run it on an exclusive lease: pool.use { conn -> … }",
            ) shouldBe true
            pool.ping() shouldBe "PONG" // nothing was sent: the shared connection is still clean
        }
    }

    test("a blocking command as a pool-level command runs on an exclusive lease, the shared ones stay free") {
        withPool({ uri = server.uri; clientName = "plc-block"; maxSize = 4; sharedConnections = 1 }) { pool ->
            pool.del("plc:q")
            pool.ping()
            coroutineScope {
                val popped = async { pool.blpop("plc:q", timeout = 10.seconds) }
                // While BLPOP waits on its own connection, pool-level commands still flow on the shared one.
                var waiting = 0
                while (waiting == 0) {
                    delay(5.milliseconds) // lets the BLPOP coroutine run on this test's thread
                    waiting = server.command("CLIENT", "LIST").lines().count { "name=plc-block" in it && "cmd=blpop" in it }
                }
                pool.rpush("plc:q", "x")
                popped.await() shouldBe Popped("plc:q", "x")
            }
            server.clientsNamed("plc-block") shouldBe 2
        }
    }

    test("a broken shared connection is replaced: later commands succeed and the pool counts the loss") {
        withPool({ uri = server.uri; clientName = "plc-kill"; maxSize = 4; sharedConnections = 1 }) { pool ->
            pool.set("plc:k", "v")
            server.killClients()
            // The kill may race with the next command: it either fails with the connection error or already
            // lands on the replacement.
            runCatching { pool.get("plc:k") }.exceptionOrNull()?.shouldBeInstanceOf<RedisConnectionException>()
            pool.get("plc:k") shouldBe "v"
            pool.stats.destroyedBroken shouldBe 1
            pool.stats.size shouldBe 1
            server.clientsNamed("plc-kill") shouldBe 1
        }
    }

    test("scripts: EVAL, and EVALSHA that loads the script after NOSCRIPT and retries") {
        withPool({ uri = server.uri }) { pool ->
            pool.eval("return redis.call('SET', KEYS[1], ARGV[1])", listOf("plc:s"), listOf("v1")) shouldBe RespValue.SimpleString("OK")
            val script = RedisScript("return redis.call('GET', KEYS[1])")
            pool.scriptLoad(script.source) shouldBe script.sha1
            pool.scriptFlush()
            val before = server.callsOf("script|load")
            pool.eval(script, listOf("plc:s")) shouldBe RespValue.BulkString("v1".encodeToByteArray())
            server.callsOf("script|load") shouldBe before + 1
            pool.eval(script, listOf("plc:s")) shouldBe RespValue.BulkString("v1".encodeToByteArray())
            server.callsOf("script|load") shouldBe before + 1
        }
    }

    test("HyperLogLog: PFADD, PFCOUNT, PFMERGE") {
        withPool({ uri = server.uri }) { pool ->
            pool.del("plc:h1", "plc:h2", "plc:h3")
            pool.pfadd("plc:h1", "a", "b", "c") shouldBe true
            pool.pfadd("plc:h1", "a") shouldBe false
            pool.pfadd("plc:h2", "c", "d")
            pool.pfcount("plc:h1") shouldBe 3L
            pool.pfmerge("plc:h3", "plc:h1", "plc:h2")
            pool.pfcount("plc:h3") shouldBe 4L
        }
    }

    test("send takes any command; a server error keeps the shared connection") {
        withPool({ uri = server.uri; clientName = "plc-err"; sharedConnections = 1 }) { pool ->
            pool.set("plc:str", "x")
            shouldThrow<io.hivepool.redis.RedisServerException> { pool.rpush("plc:str", "y") }.code shouldBe "WRONGTYPE"
            pool.send(Command(listOf("STRLEN", "plc:str")) { (it as RespValue.Integer).value }) shouldBe 1L
            pool.stats.created shouldBe 1
            server.callsOf("strlen") shouldBeGreaterThan 0
        }
    }

    test("typed list results decode the same way through the pool") {
        withPool({ uri = server.uri }) { pool ->
            pool.del("plc:l")
            pool.rpush("plc:l", "a", "b")
            pool.execute("LRANGE", "plc:l", "0", "-1").shouldBeInstanceOf<RespValue.Array>().elements.map {
                (it as RespValue.BulkString).asString()
            } shouldContainExactly listOf("a", "b")
        }
    }
})
