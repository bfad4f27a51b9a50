package io.hivepool.redis.pool

import io.hivepool.redis.Popped
import io.hivepool.redis.blpop
import io.hivepool.redis.del
import io.hivepool.redis.get
import io.hivepool.redis.lpop
import io.hivepool.redis.rpush
import io.hivepool.redis.set
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class BlockingCommandsSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    suspend fun awaitBlocked(name: String) {
        while (server.command("CLIENT", "LIST").lines().none { "name=$name" in it && "cmd=blpop" in it }) delay(5.milliseconds)
    }

    test("a BLPOP cancelled mid-wait never receives a later push: the pool stays usable and a later LPOP gets it") {
        withPool({ uri = server.uri; clientName = "blk-cancel"; maxSize = 3; sharedConnections = 1 }) { pool ->
            pool.del("blk:q")
            pool.set("blk:warm", "1")
            val waiter = launch(start = CoroutineStart.UNDISPATCHED) { pool.blpop("blk:q", timeout = 30.seconds) }
            awaitBlocked("blk-cancel")
            waiter.cancelAndJoin()
            pool.rpush("blk:q", "after-cancel")
            pool.lpop("blk:q") shouldBe "after-cancel"
            server.command("CLIENT", "LIST").lines().count { "name=blk-cancel" in it && "cmd=blpop" in it } shouldBe 0
            pool.get("blk:warm") shouldBe "1"
            pool.stats.inUse shouldBe 1 // the shared connection only; the blocked one was closed
        }
    }

    test("a cancelled BLPOP inside use { } is closed too, and the next BLPOP gets the element") {
        withPool({ uri = server.uri; clientName = "blk-use"; maxSize = 2; sharedConnections = 1 }) { pool ->
            pool.del("blk:u")
            val waiter = launch(start = CoroutineStart.UNDISPATCHED) { pool.use { it.blpop("blk:u", timeout = 30.seconds) } }
            awaitBlocked("blk-use")
            waiter.cancelAndJoin()
            pool.rpush("blk:u", "x")
            pool.blpop("blk:u", timeout = 5.seconds) shouldBe Popped("blk:u", "x")
        }
    }

    test("the read deadline of a blocking command is its block time plus commandTimeout") {
        withPool({ uri = server.uri; commandTimeout = 200.milliseconds; maxSize = 2 }) { pool ->
            pool.del("blk:slow")
            pool.blpop("blk:slow", timeout = 1.seconds) shouldBe null
            pool.stats.destroyedBroken shouldBe 0
        }
    }
})
