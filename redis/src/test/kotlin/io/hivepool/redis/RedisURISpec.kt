package io.hivepool.redis

import io.kotest.assertions.throwables.shouldThrowExactly
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.nio.file.Path
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class RedisURISpec : FunSpec({
    fun error(uri: String) = shouldThrowExactly<IllegalArgumentException> { RedisURI.parse(uri) }.message

    test("redis:// with user, password, host, port and db") {
        val c = RedisURI.parse("redis://app:p%40ss:w0rd@cache.internal:6380/5")
        c.user shouldBe "app"
        c.password shouldBe "p@ss:w0rd"
        c.host shouldBe "cache.internal"
        c.port shouldBe 6380
        c.db shouldBe 5
        c.tls shouldBe false
        c.endpoint shouldBe "redis://app:***@cache.internal:6380/5"
    }

    test("defaults: port 6379, db 0, no credentials, RESP3") {
        val c = RedisURI.parse("redis://localhost")
        c shouldBe RedisConnectionConfig(host = "localhost")
        c.endpoint shouldBe "redis://localhost:6379/0"
    }

    test("a password without a user authenticates the default user") {
        val c = RedisURI.parse("redis://:secret@h")
        c.user shouldBe null
        c.password shouldBe "secret"
        c.toString() shouldBe "RedisConnectionConfig(redis://:***@h:6379/0, protocol=3, connectTimeout=10s, commandTimeout=10s)"
    }

    test("rediss:// turns TLS on and IPv6 hosts are bracketed") {
        val c = RedisURI.parse("rediss://[::1]:7000")
        c.tls shouldBe true
        c.host shouldBe "::1"
        c.port shouldBe 7000
        c.endpoint shouldBe "rediss://[::1]:7000/0"
    }

    test("redis+unix:// takes a socket path and the db from the query") {
        val c = RedisURI.parse("redis+unix:///run/redis/redis.sock?db=3")
        c.unixSocket shouldBe Path.of("/run/redis/redis.sock")
        c.db shouldBe 3
        c.endpoint shouldBe "redis+unix:///run/redis/redis.sock?db=3"
    }

    test("query options set timeouts, client name and protocol") {
        val c = RedisURI.parse("redis://h/1?connectTimeout=2s&commandTimeout=500ms&clientName=worker-1&protocol=2")
        c.connectTimeout shouldBe 2.seconds
        c.commandTimeout shouldBe 500.milliseconds
        c.clientName shouldBe "worker-1"
        c.protocol shouldBe 2
        RedisURI.parse("redis://h?name=alias").clientName shouldBe "alias"
    }

    test("malformed URIs name what is wrong and never show the password") {
        error("http://h") shouldBe "invalid Redis URI 'http://h': unsupported scheme 'http'; use redis://, rediss:// or redis+unix://"
        error("localhost:6379") shouldBe "invalid Redis URI 'localhost:6379': expected redis://, rediss:// or redis+unix:// at the start"
        error("redis://") shouldBe "invalid Redis URI 'redis://': missing host"
        error("redis://u:topsecret@h:99999") shouldBe "invalid Redis URI 'redis://***@h:99999': invalid port '99999'; expected 1..65535"
        error("redis://u:topsecret@h:abc") shouldBe "invalid Redis URI 'redis://***@h:abc': invalid port 'abc'; expected 1..65535"
        error("redis://h/db1") shouldBe "invalid Redis URI 'redis://h/db1': invalid database 'db1' in the path; expected /<number>"
        error("redis://h?commandTimeout=500") shouldBe
            "invalid Redis URI 'redis://h?commandTimeout=500': invalid duration '500' for commandTimeout; use e.g. 500ms, 2s or 1m"
        error("redis://h?protocol=4") shouldBe "invalid Redis URI 'redis://h?protocol=4': invalid protocol '4'; expected 2 or 3"
        error("redis://h?tls=yes") shouldBe
            "invalid Redis URI 'redis://h?tls=yes': unknown option 'tls'; known options: db, connectTimeout, commandTimeout, clientName, name, protocol"
        error("redis://alice@h") shouldBe "invalid Redis URI 'redis://***@h': a user without a password; " +
            "write redis://<user>:<password>@... (or redis://:<password>@... for the default user)"
        error("redis+unix://relative.sock") shouldBe
            "invalid Redis URI 'redis+unix://relative.sock': a Unix socket URI needs an absolute path, e.g. redis+unix:///run/redis.sock"
        error("redis://[::1") shouldBe "invalid Redis URI 'redis://[::1': unclosed '[' in IPv6 host"
    }

    test("an '@' in an option value must be percent-encoded, since it could end a password") {
        RedisURI.parse("redis://h/1?clientName=a%40b").clientName shouldBe "a@b"
        error("redis://h:1/0?clientName=a@b") shouldBe "invalid Redis URI 'redis://***@b': '?' or '#' before the last '@'; " +
            "percent-encode them in a password ('?' as %3F, '#' as %23) and '@' in option values (%40)"
    }
})
