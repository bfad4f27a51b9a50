package io.hivepool.samples

import io.hivepool.pool.PoolStats
import io.hivepool.redis.RedisPool
import io.hivepool.redis.blpop
import io.hivepool.redis.del
import io.hivepool.redis.expire
import io.hivepool.redis.get
import io.hivepool.redis.incr
import io.hivepool.redis.publish
import io.hivepool.redis.pubsubNumsub
import io.hivepool.redis.redisPool
import io.hivepool.redis.rpush
import io.hivepool.redis.set
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import java.io.PrintStream
import java.util.UUID
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/**
 * A tour of the Redis pool: cache-aside, a rate limiter, a job queue with a blocking pop, and pub/sub.
 *
 * Run it with `mvn -B -ntp -q -pl samples -am compile exec:java`. It uses `REDIS_URL` when set, and otherwise
 * starts a throwaway Redis (redis-server on PATH, or the one shipped in embedded-redis).
 */
fun main() {
    runMainSample()
}

/** What the tour did; the sample's test checks it. */
data class MainSampleReport(
    val cacheReads: Int,
    val cacheLoads: Int,
    val allowed: Int,
    val refused: Int,
    val jobsDone: Map<String, Int>,
    val messages: List<String>,
    val statsAfterClose: PoolStats,
)

/** Runs the tour against [redisUrl] (or a Redis it starts), printing to [out]. Blocks until done. */
fun runMainSample(
    redisUrl: String? = System.getenv("REDIS_URL")?.takeIf { it.isNotBlank() },
    out: PrintStream = System.out,
): MainSampleReport = SampleRedis.start(redisUrl).use { redis ->
    out.println("Redis: ${redis.source}")
    val pool = redisPool {
        uri = redis.uri
        name = "sample"
        maxSize = 8
        acquireTimeout = 5.seconds
    }
    runBlocking {
        try {
            val (reads, loads) = cacheAside(pool, out)
            val (allowed, refused) = rateLimiter(pool, out)
            val jobs = jobQueue(pool, out)
            val messages = pubSub(pool, out)
            out.println("pool before close: ${pool.summary()}")
            pool.close(grace = 2.seconds)
            out.println("pool after close:  ${pool.summary()}")
            MainSampleReport(reads, loads, allowed, refused, jobs, messages, pool.stats)
        } finally {
            pool.close()
        }
    }
}

/** Reads go to Redis first; a miss loads from the "database" and fills the cache for the next reader. */
private suspend fun cacheAside(pool: RedisPool, out: PrintStream): Pair<Int, Int> {
    val ids = listOf(1, 2, 1, 3, 1, 2, 2, 3)
    pool.del(*ids.distinct().map { "sample:product:$it" }.toTypedArray())
    var loads = 0
    suspend fun product(id: Int): String {
        val key = "sample:product:$id"
        pool.get(key)?.let { return it }
        loads++
        val row = """{"id":$id,"name":"product $id"}""" // stands for a slow database query
        pool.set(key, row, expire = 1.minutes)
        return row
    }
    ids.forEach { product(it) }
    out.println("cache-aside: ${ids.size} reads, $loads loaded from the database, ${ids.size - loads} served from Redis")
    return ids.size to loads
}

/**
 * A fixed-window limiter: INCR the window's counter and set its expiry in one pipelined round trip; a count
 * above the limit is refused. Eight concurrent requests meet a limit of five.
 */
private suspend fun rateLimiter(pool: RedisPool, out: PrintStream): Pair<Int, Int> = coroutineScope {
    val window = 1.minutes
    val key = "sample:rate:alice:${System.currentTimeMillis() / window.inWholeMilliseconds}"
    pool.del(key)
    val verdicts = List(8) { async { allow(pool, key, limit = 5, window = window) } }.awaitAll()
    val allowed = verdicts.count { it }
    out.println("rate limiter: $allowed allowed, ${verdicts.size - allowed} refused (limit 5 per $window)")
    allowed to verdicts.size - allowed
}

private suspend fun allow(pool: RedisPool, key: String, limit: Int, window: Duration): Boolean {
    lateinit var count: Deferred<Long>
    pool.pipeline {
        count = queue { incr(key) }
        queue { expire(key, window) }
    }
    return count.await() <= limit
}

/**
 * Three workers block on BLPOP (each blocking pop takes an exclusive lease, so it never stalls other callers'
 * commands); the producer pushes twelve jobs, then one "stop" per worker.
 */
private suspend fun jobQueue(pool: RedisPool, out: PrintStream): Map<String, Int> = coroutineScope {
    val queue = "sample:jobs"
    pool.del(queue)
    val workers = (1..3).map { n ->
        async {
            var done = 0
            while (true) {
                val (_, job) = pool.blpop(queue, timeout = 10.seconds) ?: break
                if (job == "stop") break
                done++
            }
            "worker-$n" to done
        }
    }
    pool.rpush(queue, *Array(12) { "job-${it + 1}" })
    pool.rpush(queue, "stop", "stop", "stop")
    val done = workers.awaitAll().toMap()
    out.println("job queue: ${done.values.sum()} jobs done by ${done.size} workers $done")
    done
}

/** A subscriber collects three messages from a channel while the pool publishes them. */
private suspend fun pubSub(pool: RedisPool, out: PrintStream): List<String> = coroutineScope {
    val channel = "sample:news:${UUID.randomUUID()}"
    val received = async { pool.subscribe(channel).take(3).map { it.payload }.toList() }
    while ((pool.pubsubNumsub(channel)[channel] ?: 0) < 1) delay(10) // publish only once someone listens
    listOf("hello", "from", "hivepool").forEach { pool.publish(channel, it) }
    val messages = received.await()
    out.println("pub/sub: received $messages")
    messages
}

private fun RedisPool.summary(): String {
    val c = connections
    val s = stats
    return "size=${c.size} idle=${c.idle} leased=${c.leased} shared=${c.shared} created=${s.created} " +
        "destroyed=${s.destroyed} hits=${s.hits} misses=${s.misses} waited=${s.waitCount} timeouts=${s.timeouts}"
}
