package io.hivepool.redis.pool

import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.clientId
import io.hivepool.redis.get
import io.hivepool.redis.ping
import io.hivepool.redis.redisPool
import io.hivepool.redis.rpush
import io.hivepool.redis.select
import io.hivepool.redis.set
import io.hivepool.testing.RedisServer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlin.time.Duration

class LeaseSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("SELECT in a lease does not leak into the next lease of the same connection") {
        withPool({ uri = server.uri; maxSize = 1 }) { pool ->
            pool.use { it.set("lease:db0", "zero") }
            val first = pool.use { conn ->
                conn.select(5)
                conn.set("lease:db5", "five")
                conn.state.db shouldBe 5
                conn.clientId()
            }
            pool.use { conn ->
                conn.clientId() shouldBe first // the same connection, reset
                conn.state.db shouldBe 0
                conn.isDirty shouldBe false
                conn.get("lease:db5") shouldBe null
                conn.get("lease:db0") shouldBe "zero"
            }
        }
    }

    test("acquire gives an exclusive lease; release returns it for the next caller") {
        withPool({ uri = server.uri; maxSize = 1 }) { pool ->
            val lease = pool.acquire()
            val id = lease.connection.clientId()
            pool.stats.inUse shouldBe 1
            lease.release()
            pool.acquire().use { it.connection.clientId() shouldBe id }
        }
    }

    test("a server error keeps the connection, a connection error discards it") {
        withPool({ uri = server.uri; maxSize = 1 }) { pool ->
            pool.use { it.set("lease:s", "x") }
            val id = pool.use { it.clientId() }
            shouldThrow<RedisServerException> { pool.use { it.rpush("lease:s", "y") } }
            pool.use { it.clientId() } shouldBe id
            val e = shouldThrow<RedisConnectionException> {
                pool.use { conn ->
                    server.command("CLIENT", "KILL", "ID", id.toString())
                    conn.ping()
                }
            }
            e.shouldBeInstanceOf<RedisConnectionException>()
            pool.use { it.clientId() } shouldNotBe id
            pool.stats.destroyedBroken shouldBe 1
        }
    }

    test("a clean, recently used connection is handed out without a PING; checkOnRecycle pings on every borrow") {
        withPool({ uri = server.uri; maxSize = 1 }) { pool ->
            pool.use { it.get("lease:x") }
            val before = server.callsOf("ping")
            repeat(5) { pool.use { it.get("lease:x") } }
            server.callsOf("ping") shouldBe before
        }
        withPool({ uri = server.uri; maxSize = 1; checkOnRecycle = true }) { pool ->
            pool.use { it.get("lease:x") }
            val before = server.callsOf("ping")
            repeat(5) { pool.use { it.get("lease:x") } }
            server.callsOf("ping") shouldBe before + 5
        }
        withPool({ uri = server.uri; maxSize = 1; validateAfterIdle = Duration.ZERO }) { pool ->
            pool.use { it.get("lease:x") }
            val before = server.callsOf("ping")
            repeat(3) { pool.use { it.get("lease:x") } }
            server.callsOf("ping") shouldBe before + 3
        }
    }
})
