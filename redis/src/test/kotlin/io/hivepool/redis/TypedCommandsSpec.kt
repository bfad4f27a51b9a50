package io.hivepool.redis

import io.hivepool.testing.RedisServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.longs.shouldBeInRange
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.flow.toList
import java.time.Instant
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Every typed command against a real server, in both protocols: RESP3 maps/doubles/sets and RESP2 flat arrays decode alike. */
class TypedCommandsSpec : FunSpec({
    val server = RedisServer.start()
    afterSpec { server.close() }

    for (protocol in listOf(2, 3)) {
        context("RESP$protocol") {
            val conn = RedisConnection.connect("${server.uri}/${protocol}?protocol=$protocol")
            afterEach { conn.flushdb() }
            afterSpec { conn.close() }

            test("the connection speaks the protocol asked for") { conn.protocol shouldBe protocol }

            test("strings: SET options, GET, MGET, MSET, counters, APPEND, GETDEL, GETEX, STRLEN") {
                conn.set("s", "v").shouldBeTrue()
                conn.set("s", "other", nx = true).shouldBeFalse()
                conn.set("missing", "x", xx = true).shouldBeFalse()
                conn.get("missing") shouldBe null
                conn.set("s", "v2", expire = 100.seconds).shouldBeTrue()
                conn.ttl("s") shouldBeInRange 1L..100L
                conn.set("s", "v3", keepTtl = true)
                conn.ttl("s") shouldBeInRange 1L..100L
                conn.set("s", "v4", expire = 1500.milliseconds)
                conn.pttl("s") shouldBeInRange 1L..1500L
                conn.set("s", "v5", expireAt = Instant.now().plusSeconds(50))
                conn.ttl("s") shouldBeInRange 1L..50L
                conn.set("s", "v6", expireAt = Instant.now().plusMillis(50_500))
                conn.pttl("s") shouldBeInRange 1L..50_500L
                conn.setGet("s", "v7") shouldBe "v6"
                conn.setGet("fresh", "x") shouldBe null
                conn.mset("a" to "1", "b" to "2")
                conn.mset(mapOf("c" to "3"))
                conn.mget("a", "b", "nope", "c") shouldBe listOf("1", "2", null, "3")
                conn.incr("a") shouldBe 2L
                conn.incrBy("a", 10) shouldBe 12L
                conn.decr("a") shouldBe 11L
                conn.decrBy("a", 5) shouldBe 6L
                conn.incrByFloat("f", 1.5) shouldBe 1.5
                conn.incrByFloat("f", -0.25) shouldBe 1.25
                conn.append("b", "xy") shouldBe 3L
                conn.strlen("b") shouldBe 3L
                conn.getEx("b", expire = 30.seconds) shouldBe "2xy"
                conn.ttl("b") shouldBeInRange 1L..30L
                conn.getEx("b", persist = true) shouldBe "2xy"
                conn.ttl("b") shouldBe -1L
                conn.getDel("b") shouldBe "2xy"
                conn.get("b") shouldBe null
            }

            test("keys: DEL, UNLINK, EXISTS, EXPIRE, PEXPIRE, PERSIST, TYPE, RENAME, SCAN") {
                conn.mset("k1" to "1", "k2" to "2", "k3" to "3", "other" to "x")
                conn.exists("k1", "k2", "nope") shouldBe 2L
                conn.expire("k1", 10.seconds).shouldBeTrue()
                conn.ttl("k1") shouldBeInRange 1L..10L
                conn.pexpire("k1", 2500.milliseconds).shouldBeTrue()
                conn.pttl("k1") shouldBeInRange 1L..2500L
                conn.persist("k1").shouldBeTrue()
                conn.ttl("k1") shouldBe -1L
                conn.expire("nope", 1.seconds).shouldBeFalse()
                conn.ttl("nope") shouldBe -2L
                conn.type("k1") shouldBe "string"
                conn.type("nope") shouldBe "none"
                conn.rename("k3", "k4")
                conn.scan(match = "k*", count = 1).toList() shouldContainExactlyInAnyOrder listOf("k1", "k2", "k4")
                conn.rpush("list", "x")
                conn.scan(type = "list").toList() shouldBe listOf("list")
                conn.unlink("k1") shouldBe 1L
                conn.del("k2", "k4", "nope") shouldBe 2L
                conn.del("other".toByteArray()) shouldBe 1L
            }

            test("hashes: HSET, HGET, HMGET, HGETALL, HDEL, HEXISTS, HINCRBY, HKEYS, HVALS, HLEN, HSCAN") {
                conn.hset("h", "a", "1") shouldBe 1L
                conn.hset("h", "b" to "2", "c" to "3") shouldBe 2L
                conn.hset("h", mapOf("d" to "4")) shouldBe 1L
                conn.hget("h", "a") shouldBe "1"
                conn.hget("h", "zz") shouldBe null
                conn.hmget("h", "a", "zz", "c") shouldBe listOf("1", null, "3")
                conn.hgetAll("h") shouldBe mapOf("a" to "1", "b" to "2", "c" to "3", "d" to "4")
                conn.hgetAll("no-hash") shouldBe emptyMap()
                conn.hexists("h", "a").shouldBeTrue()
                conn.hexists("h", "zz").shouldBeFalse()
                conn.hincrBy("h", "a", 41) shouldBe 42L
                conn.hdel("h", "d", "zz") shouldBe 1L
                conn.hkeys("h") shouldContainExactlyInAnyOrder listOf("a", "b", "c")
                conn.hvals("h") shouldContainExactlyInAnyOrder listOf("42", "2", "3")
                conn.hlen("h") shouldBe 3L
                conn.hscan("h", count = 1).toList() shouldContainExactlyInAnyOrder listOf("a" to "42", "b" to "2", "c" to "3")
                conn.hscan("h", match = "b").toList() shouldBe listOf("b" to "2")
            }

            test("lists: push, pop with count, LRANGE, LLEN, LINDEX, LSET, LREM, LTRIM, LMOVE") {
                conn.rpush("l", "a", "b", "c") shouldBe 3L
                conn.lpush("l", "z") shouldBe 4L
                conn.lrange("l", 0, -1) shouldBe listOf("z", "a", "b", "c")
                conn.llen("l") shouldBe 4L
                conn.lindex("l", 1) shouldBe "a"
                conn.lindex("l", 99) shouldBe null
                conn.lset("l", 1, "A")
                conn.rpush("l", "A")
                conn.lrem("l", 0, "A") shouldBe 2L
                conn.lpop("l") shouldBe "z"
                conn.rpop("l") shouldBe "c"
                conn.rpush("l", "d", "e", "f")
                conn.lpop("l", 2) shouldBe listOf("b", "d")
                conn.rpop("l", 5) shouldBe listOf("f", "e")
                conn.lpop("l", 2) shouldBe null
                conn.lpop("l") shouldBe null
                conn.rpush("src", "1", "2", "3", "4")
                conn.ltrim("src", 0, 2)
                conn.lmove("src", "dst", ListEnd.LEFT, ListEnd.RIGHT) shouldBe "1"
                conn.lrange("dst", 0, -1) shouldBe listOf("1")
                conn.lmove("empty", "dst", ListEnd.LEFT, ListEnd.LEFT) shouldBe null
            }

            test("sets: SADD, SREM, SMEMBERS, SISMEMBER, SCARD, SINTER, SUNION, SDIFF, SPOP, SRANDMEMBER, SSCAN") {
                conn.sadd("s1", "a", "b", "c") shouldBe 3L
                conn.sadd("s2", "b", "c", "d") shouldBe 3L
                conn.srem("s1", "zz") shouldBe 0L
                conn.smembers("s1") shouldBe setOf("a", "b", "c")
                conn.smembers("none") shouldBe emptySet()
                conn.sismember("s1", "a").shouldBeTrue()
                conn.sismember("s1", "d").shouldBeFalse()
                conn.scard("s1") shouldBe 3L
                conn.sinter("s1", "s2") shouldBe setOf("b", "c")
                conn.sunion("s1", "s2") shouldBe setOf("a", "b", "c", "d")
                conn.sdiff("s1", "s2") shouldBe setOf("a")
                (conn.srandmember("s1") in setOf("a", "b", "c")).shouldBeTrue()
                conn.srandmember("s1", 5).toSet() shouldBe setOf("a", "b", "c")
                conn.srandmember("s1", -5).size shouldBe 5
                conn.sscan("s2", count = 1).toList() shouldContainExactlyInAnyOrder listOf("b", "c", "d")
                val popped = conn.spop("s1", 2)
                popped.size shouldBe 2
                val last = conn.spop("s1")
                (popped + last!!) shouldBe setOf("a", "b", "c")
                conn.spop("s1") shouldBe null
            }

            test("sorted sets: ZADD options, ZRANGE variants, ZSCORE, ZINCRBY, ZRANK, ZREM, ZCARD, ZCOUNT, ZPOPMIN/MAX") {
                conn.zadd("z", ScoredMember("a", 1.0), ScoredMember("b", 2.0), ScoredMember("c", 3.0)) shouldBe 3L
                conn.zadd("z", 4.5, "d") shouldBe 1L
                conn.zadd("z", ScoredMember("a", 10.0), nx = true) shouldBe 0L
                conn.zadd("z", ScoredMember("a", 0.5), gt = true, ch = true) shouldBe 0L
                conn.zadd("z", ScoredMember("a", 1.5), gt = true, ch = true) shouldBe 1L
                conn.zadd("z", ScoredMember("new", 1.0), xx = true) shouldBe 0L
                conn.zaddIncr("z", "b", 0.5) shouldBe 2.5
                conn.zaddIncr("z", "nope", 1.0, xx = true) shouldBe null
                conn.zscore("z", "a") shouldBe 1.5
                conn.zscore("z", "nope") shouldBe null
                conn.zrange("z", 0, -1) shouldBe listOf("a", "b", "c", "d")
                conn.zrange("z", 0, 1, rev = true) shouldBe listOf("d", "c")
                conn.zrangeWithScores("z", 0, 1) shouldBe listOf(ScoredMember("a", 1.5), ScoredMember("b", 2.5))
                conn.zrangeWithScores("z", 0, 0, rev = true) shouldBe listOf(ScoredMember("d", 4.5))
                conn.zrangeByScore("z", "2", "+inf") shouldBe listOf("b", "c", "d")
                conn.zrangeByScore("z", "(2.5", "4.5", rev = true) shouldBe listOf("d", "c")
                conn.zrangeByScore("z", "-inf", "+inf", limit = Limit(1, 2)) shouldBe listOf("b", "c")
                conn.zrangeByScoreWithScores("z", "3", "4.5") shouldBe listOf(ScoredMember("c", 3.0), ScoredMember("d", 4.5))
                conn.zincrby("z", 1.0, "c") shouldBe 4.0
                conn.zrank("z", "a") shouldBe 0L
                conn.zrank("z", "nope") shouldBe null
                conn.zcard("z") shouldBe 4L
                conn.zcount("z", "2", "4") shouldBe 2L
                conn.zadd("lex", ScoredMember("apple", 0.0), ScoredMember("banana", 0.0), ScoredMember("cherry", 0.0))
                conn.zrangeByLex("lex", "[b", "+") shouldBe listOf("banana", "cherry")
                conn.zrangeByLex("lex", "-", "(c", rev = true) shouldBe listOf("banana", "apple")
                conn.zrangeByLex("lex", "-", "+", limit = Limit(0, 1)) shouldBe listOf("apple")
                conn.zadd("inf", Double.POSITIVE_INFINITY, "top")
                conn.zscore("inf", "top") shouldBe Double.POSITIVE_INFINITY
                conn.zpopmin("z") shouldBe ScoredMember("a", 1.5)
                conn.zpopmax("z") shouldBe ScoredMember("d", 4.5)
                conn.zpopmin("z", 5) shouldBe listOf(ScoredMember("b", 2.5), ScoredMember("c", 4.0))
                conn.zpopmax("z", 2) shouldBe emptyList()
                conn.zpopmin("z") shouldBe null
                conn.zrem("lex", "apple", "nope") shouldBe 1L
            }

            test("server: PING, ECHO, INFO, DBSIZE, TIME, FLUSHDB, CLIENT ID/SETNAME/GETNAME") {
                conn.ping() shouldBe "PONG"
                conn.ping("hi") shouldBe "hi"
                conn.echo("echo") shouldBe "echo"
                conn.info("server") shouldContain "redis_version:${server.version}"
                conn.set("one", "1")
                conn.dbsize() shouldBe 1L
                val time = conn.time()
                (kotlin.math.abs(time.epochSecond - Instant.now().epochSecond) < 3600).shouldBeTrue()
                conn.flushdb(async = true)
                conn.dbsize() shouldBe 0L
                conn.clientId() shouldBe conn.clientId
                conn.clientSetName("typed-$protocol")
                conn.clientGetName() shouldBe "typed-$protocol"
            }
        }
    }
})
