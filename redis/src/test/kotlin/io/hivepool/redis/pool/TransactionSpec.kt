package io.hivepool.redis.pool

import io.hivepool.redis.Command
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RedisTransactionAbortedException
import io.hivepool.redis.clientId
import io.hivepool.redis.get
import io.hivepool.redis.incr
import io.hivepool.redis.optimistic
import io.hivepool.redis.rpush
import io.hivepool.redis.set
import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withContext

class TransactionSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("MULTI … EXEC commits and returns typed results") {
        withPool({ uri = server.uri }) { pool ->
            pool.set("tx:counter", "41")
            var incr: Deferred<Long>? = null
            val replies = pool.transaction {
                watch("tx:counter")
                val cur = get("tx:counter")!!.toLong()
                multi {
                    queue { set("tx:counter", (cur + 1).toString()) }
                    incr = queue { incr("tx:hits") }
                }
            }
            replies shouldBe listOf(true, 1L)
            incr!!.await() shouldBe 1L
            pool.get("tx:counter") shouldBe "42"
        }
    }

    test("a WATCHed key changed by someone else aborts EXEC: null, and the queued results fail") {
        withPool({ uri = server.uri }) { pool ->
            pool.set("tx:w", "1")
            var queued: Deferred<Boolean>? = null
            val result = pool.transaction {
                watch("tx:w")
                server.command("SET", "tx:w", "changed")
                multi { queued = queue { set("tx:w", "mine") } }.also { aborted shouldBe true }
            }
            result shouldBe null
            shouldThrow<RedisTransactionAbortedException> { queued!!.await() }.message shouldBe
                "transaction aborted: a WATCHed key changed before EXEC"
            pool.get("tx:w") shouldBe "changed"
        }
    }

    test("an exception inside the block resets the connection: the next user sees no WATCH and no MULTI") {
        withPool({ uri = server.uri; maxSize = 2; sharedConnections = 1 }) { pool ->
            pool.set("tx:e", "1")
            val id = pool.use { it.clientId() }
            shouldThrow<IllegalStateException> {
                pool.transaction {
                    watch("tx:e")
                    error("boom")
                }
            }.message shouldBe "boom"
            server.command("SET", "tx:e", "2") // would abort a transaction that still watched tx:e
            pool.transaction {
                connection.clientId shouldBe id
                connection.isDirty shouldBe false
                multi { queue { set("tx:e", "3") } }
            } shouldBe listOf(true)
            pool.get("tx:e") shouldBe "3"
        }
    }

    test("a command failing inside EXEC has its exception in its place; the others apply") {
        withPool({ uri = server.uri }) { pool ->
            pool.set("tx:s", "x")
            val replies = pool.transaction {
                multi {
                    queue { rpush("tx:s", "y") }
                    queue { set("tx:t", "ok") }
                }
            }!!
            replies[0].shouldBeInstanceOf<RedisServerException>().code shouldBe "WRONGTYPE"
            replies[1] shouldBe true
            pool.get("tx:t") shouldBe "ok"
        }
    }

    test("a command rejected while queueing makes EXEC fail with EXECABORT naming it") {
        withPool({ uri = server.uri }) { pool ->
            val e = shouldThrow<RedisServerException> {
                pool.transaction {
                    multi {
                        queue { set("tx:never", "1") }
                        queue { send(Command(listOf("SET", "tx:only-key")) { it }) }
                    }
                }
            }
            e.code shouldBe "EXECABORT"
            e.message shouldBe "EXECABORT Transaction discarded because of previous errors. " +
                "(SET was rejected: ERR wrong number of arguments for 'set' command)"
            pool.get("tx:never") shouldBe null
        }
    }

    test("optimistic retries a transaction until its WATCH holds: concurrent increments are never lost") {
        withPool({ uri = server.uri; maxSize = 8 }) { pool ->
            pool.set("tx:opt", "0")
            withContext(Dispatchers.Default) {
                coroutineScope {
                    (1..16).map {
                        async {
                            repeat(5) {
                                pool.optimistic(retries = 1000) {
                                    watch("tx:opt")
                                    val cur = get("tx:opt")!!.toLong()
                                    multi { queue { set("tx:opt", (cur + 1).toString()) } }
                                }
                            }
                        }
                    }.awaitAll()
                }
            }
            pool.get("tx:opt") shouldBe "80"
        }
    }

    test("optimistic gives up after its retries with RedisTransactionAbortedException") {
        withPool({ uri = server.uri }) { pool ->
            var attempts = 0
            shouldThrow<RedisTransactionAbortedException> {
                pool.optimistic(retries = 2) {
                    attempts++
                    watch("tx:always")
                    server.command("INCR", "tx:always")
                    multi { queue { incr("tx:always") } }
                }
            }.message shouldBe "transaction aborted 3 times: a WATCHed key kept changing"
            attempts shouldBe 3
        }
    }
})
