package io.hivepool.redis.pool

import io.hivepool.pool.fuzzy
import io.hivepool.redis.RedisPoolConfig
import io.hivepool.redis.redisPool
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

class RedisPoolConfigSpec : FunSpec({
    fun invalid(configure: RedisPoolConfig.Builder.() -> Unit): String =
        shouldThrow<IllegalArgumentException> { RedisPoolConfig.Builder().apply(configure).build() }.message!!

    test("defaults: 16 connections, 2 of them shared, createTimeout = connectTimeout + 1s, 127.0.0.1:6379") {
        val config = RedisPoolConfig.Builder().build()
        config.pool.maxSize shouldBe 16
        config.sharedConnections shouldBe 2
        config.pool.createTimeout shouldBe 11.seconds
        config.pool.validateAfterIdle shouldBe 30.seconds
        config.checkOnRecycle shouldBe false
        config.connection.host shouldBe "127.0.0.1"
        config.connection.port shouldBe 6379
        RedisPoolConfig.Builder().apply { maxSize = 1 }.build().sharedConnections shouldBe 1
        RedisPoolConfig.Builder().apply { maxSize = 2 }.build().sharedConnections shouldBe 1
    }

    test("the DSL takes every generic pool knob and every connection knob, fields overriding the URI") {
        val config = RedisPoolConfig.Builder().apply {
            uri = "redis://alice:secret@example.com:6380/2?clientName=fromUri"
            port = 6390
            clientName = "app"
            maxSize = 8
            minIdle = 2
            ttl = fuzzy(10.minutes, 2.minutes)
            idleTimeout = 5.minutes
            acquireTimeout = 2.seconds
            connectTimeout = 3.seconds
            commandTimeout = 500.milliseconds
            checkOnRecycle = true
            sharedConnections = 3
        }.build()
        config.connection.host shouldBe "example.com"
        config.connection.port shouldBe 6390
        config.connection.db shouldBe 2
        config.connection.user shouldBe "alice"
        config.connection.clientName shouldBe "app"
        config.connection.commandTimeout shouldBe 500.milliseconds
        config.pool.maxSize shouldBe 8
        config.pool.minIdle shouldBe 2
        config.pool.ttl shouldBe fuzzy(10.minutes, 2.minutes)
        config.pool.createTimeout shouldBe 4.seconds
        config.sharedConnections shouldBe 3
        config.checkOnRecycle shouldBe true
        config.toString() shouldNotContain "secret"
    }

    test("bad values are refused with the field's name") {
        invalid { maxSize = 0 } shouldBe "maxSize must be > 0, was 0"
        invalid { maxSize = 4; minIdle = 5 } shouldBe "minIdle must be between 0 and maxSize (4), was 5"
        invalid { acquireTimeout = Duration.ZERO } shouldBe "acquireTimeout must be > 0, was 0s"
        invalid { validateAfterIdle = (-1).seconds } shouldBe "validateAfterIdle must be >= 0, was -1s"
        invalid { maxSize = 4; sharedConnections = 4 } shouldBe "sharedConnections must be between 1 and maxSize - 1 (3), was 4"
        invalid { sharedConnections = 0 } shouldBe "sharedConnections must be between 1 and maxSize - 1 (15), was 0"
        invalid { port = 0 } shouldBe "port must be in 1..65535, was 0"
        invalid { db = -1 } shouldBe "db must be >= 0, was -1"
        invalid { protocol = 4 } shouldBe "protocol must be 2 or 3, was 4"
        invalid { commandTimeout = Duration.ZERO } shouldBe "commandTimeout must be > 0, was 0s"
        invalid { connectTimeout = (-1).seconds } shouldBe "connectTimeout must be > 0, was -1s"
        invalid { name = " " } shouldBe "name must be not blank, was \" \""
        invalid { uri = "http://x:pw@host" } shouldBe "invalid Redis URI 'http://***@host': unsupported scheme 'http'; use redis://, rediss:// or redis+unix://"
    }

    test("redisPool { } validates before opening anything") {
        shouldThrow<IllegalArgumentException> { redisPool { maxSize = -1 } }.message shouldBe "maxSize must be > 0, was -1"
    }

    test("the Java-style fluent builder sets the same fields") {
        val config = RedisPoolConfig.builder()
            .uri("redis://127.0.0.1:7000")
            .maxSize(4)
            .sharedConnections(1)
            .acquireTimeout(java.time.Duration.ofSeconds(2))
            .commandTimeout(java.time.Duration.ofMillis(250))
            .clientName("java")
            .build()
        config.connection.port shouldBe 7000
        config.connection.clientName shouldBe "java"
        config.connection.commandTimeout shouldBe 250.milliseconds
        config.pool.maxSize shouldBe 4
        config.pool.acquireTimeout shouldBe 2.seconds
        config.sharedConnections shouldBe 1
    }
})
