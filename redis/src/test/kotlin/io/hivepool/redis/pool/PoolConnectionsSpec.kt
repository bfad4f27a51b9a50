package io.hivepool.redis.pool

import io.hivepool.redis.RedisPoolConnections
import io.hivepool.redis.get
import io.hivepool.redis.ping
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class PoolConnectionsSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("an idle pool reports its shared connections apart from leases, while the generic stats count them in use") {
        withPool({ uri = server.uri; maxSize = 8; sharedConnections = 2 }) { pool ->
            pool.connections shouldBe RedisPoolConnections(size = 0, idle = 0, leased = 0, shared = 0, creating = 0, waiters = 0, maxSize = 8)
            pool.ping()

            pool.connections shouldBe RedisPoolConnections(size = 1, idle = 0, leased = 0, shared = 1, creating = 0, waiters = 0, maxSize = 8)
            pool.stats.inUse shouldBe 1
        }
    }

    test("leases count as leased while held and as idle once returned") {
        withPool({ uri = server.uri; maxSize = 8; sharedConnections = 1 }) { pool ->
            pool.get("pcs:k")
            val lease = pool.acquire()
            pool.use { conn -> conn.get("pcs:k") }

            pool.connections shouldBe RedisPoolConnections(size = 3, idle = 1, leased = 1, shared = 1, creating = 0, waiters = 0, maxSize = 8)
            lease.release()
            pool.connections shouldBe RedisPoolConnections(size = 3, idle = 2, leased = 0, shared = 1, creating = 0, waiters = 0, maxSize = 8)
        }
    }

    test("maxSize follows a resize of the pool") {
        withPool({ uri = server.uri; maxSize = 8 }) { pool ->
            pool.pool.resize(4)
            pool.connections.maxSize shouldBe 4
        }
    }
})
