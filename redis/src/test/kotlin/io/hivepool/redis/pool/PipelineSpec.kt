package io.hivepool.redis.pool

import io.hivepool.redis.RedisServerException
import io.hivepool.redis.get
import io.hivepool.redis.incr
import io.hivepool.redis.rpush
import io.hivepool.redis.select
import io.hivepool.redis.set
import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.Deferred

class PipelineSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    test("a pipeline returns every reply in order, decoded, and its Deferreds carry the typed values") {
        withPool({ uri = server.uri }) { pool ->
            var a: Deferred<String?>? = null
            val replies = pool.pipeline {
                queue { set("pl:a", "1") }
                a = queue { get("pl:a") }
                queue { incr("pl:n") }
                queue { get("pl:missing") }
            }
            replies shouldBe listOf(true, "1", 1L, null)
            a!!.await() shouldBe "1"
        }
    }

    test("a failed command has its exception in its place and does not stop the others") {
        withPool({ uri = server.uri }) { pool ->
            pool.set("pl:s", "x")
            val replies = pool.pipeline {
                queue { rpush("pl:s", "y") }
                queue { get("pl:s") }
            }
            replies[0].shouldBeInstanceOf<RedisServerException>().code shouldBe "WRONGTYPE"
            replies[1] shouldBe "x"
        }
    }

    test("a queue block may send more commands after its first reply; the pipeline waits for them") {
        withPool({ uri = server.uri }) { pool ->
            pool.set("pl:src", "copied")
            var copy: Deferred<Boolean>? = null
            pool.pipeline {
                copy = queue { set("pl:dst", get("pl:src")!!) }
            } shouldBe listOf("copied")
            copy!!.isCompleted shouldBe true
            pool.get("pl:dst") shouldBe "copied"
        }
    }

    test("a pipeline that changes connection state runs on a lease, which is reset before its next use") {
        withPool({ uri = server.uri; maxSize = 2; sharedConnections = 1 }) { pool ->
            pool.pipeline {
                queue { select(3) }
                queue { set("pl:db3", "three") }
            } shouldBe listOf(null, true) // OK replies decode to null (a Command<Void?>, as Java sees it)
            pool.get("pl:db3") shouldBe null
            pool.use { conn ->
                conn.state.db shouldBe 0
                conn.select(3)
                conn.get("pl:db3") shouldBe "three"
            }
        }
    }

    test("an empty pipeline sends nothing and returns an empty list") {
        withPool({ uri = server.uri }) { pool ->
            pool.pipeline { } shouldBe emptyList()
            pool.stats.created shouldBe 0
        }
    }
})
