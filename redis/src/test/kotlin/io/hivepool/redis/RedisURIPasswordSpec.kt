package io.hivepool.redis

import io.kotest.assertions.throwables.shouldThrowExactly
import io.kotest.assertions.withClue
import io.kotest.common.ExperimentalKotest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import io.kotest.property.Arb
import io.kotest.property.PropTestConfig
import io.kotest.property.arbitrary.arbitrary
import io.kotest.property.arbitrary.element
import io.kotest.property.arbitrary.list
import io.kotest.property.checkAll

/** Whatever the URI looks like, its password never shows in a message, mask() or toString(). */
class RedisURIPasswordSpec : FunSpec({
    fun error(uri: String) = shouldThrowExactly<IllegalArgumentException> { RedisURI.parse(uri) }.message

    test("the reported leaks: '?' or '#' in a password, no scheme, a password without a user") {
        error("redis://default:S3cret?x@127.0.0.1:6379") shouldBe
            "invalid Redis URI 'redis://***@127.0.0.1:6379': '?' or '#' before the last '@'; " +
            "percent-encode them in a password ('?' as %3F, '#' as %23) and '@' in option values (%40)"
        error("redis://default:S3cret#x@127.0.0.1:6379") shouldBe
            "invalid Redis URI 'redis://***@127.0.0.1:6379': '?' or '#' before the last '@'; " +
            "percent-encode them in a password ('?' as %3F, '#' as %23) and '@' in option values (%40)"
        error("default:S3cret@127.0.0.1:6379") shouldBe
            "invalid Redis URI '***@127.0.0.1:6379': expected redis://, rediss:// or redis+unix:// at the start"
        error("redis://S3cret@host") shouldBe
            "invalid Redis URI 'redis://***@host': a user without a password; write redis://<user>:<password>@... " +
            "(or redis://:<password>@... for the default user)"
        error("redis:S3c://ret@host") shouldBe
            "invalid Redis URI '***@host': expected redis://, rediss:// or redis+unix:// at the start"
        error("redis://u:S3%zzcret@host") shouldBe
            "invalid Redis URI 'redis://***@host': invalid percent-encoding in the user or password"
    }

    test("mask hides everything between // and the last '@'") {
        RedisURI.mask("redis://u:pw@h:1/0") shouldBe "redis://***@h:1/0"
        RedisURI.mask("redis://S3cret@h") shouldBe "redis://***@h"
        RedisURI.mask("redis://u:a?b#c@d@h/0?db=1") shouldBe "redis://***@h/0?db=1"
        RedisURI.mask("u:pw@h") shouldBe "***@h"
        RedisURI.mask("redis://h:1/0") shouldBe "redis://h:1/0"
    }

    test("no message, mask or toString of any malformed URI contains its password") {
        // Each password piece starts with "PW", which nothing else in the generated URIs contains.
        val specials = listOf("?", "#", "@", "/", ":", "%", "%4", "%zz", "&", "=", "[", "]", " ", "+", "%40", "%3F")
        // Without a ':' between user and password, a ':' in the password would make its head the user by the URI's
        // grammar (no parser could tell), so such passwords have none.
        fun password(colon: String) = arbitrary { rs ->
            val pieces = Arb.list(Arb.element(if (colon.isEmpty()) specials - ":" else specials), 0..4).bind()
            buildString {
                append("PW").append(rs.random.nextInt(10))
                for (p in pieces) append(p).append("PW").append(rs.random.nextInt(10))
            }
        }
        val scheme = Arb.element("redis://", "rediss://", "redis+unix://", "", "redis:/", "redis:", "http://", "//", "redis:///")
        val user = Arb.element("", "default", "app")
        val colon = Arb.element(":", "", "::")
        val at = Arb.element("@", "@@") // without an '@' after it, nothing in the URI is a password
        val host = Arb.element("127.0.0.1", "", "[::1", "[::1]", "h", "/run/redis.sock")
        val port = Arb.element("", ":6379", ":", ":abc", ":99999")
        val path = Arb.element("", "/0", "/x", "/")
        val query = Arb.element("", "?db=1", "?db=x", "?foo=bar", "?x@y", "?clientName=a@b", "#frag", "?commandTimeout=1")
        val uris = arbitrary {
            val c = colon.bind()
            scheme.bind() + user.bind() + c + password(c).bind() + at.bind() + host.bind() + port.bind() +
                path.bind() + query.bind()
        }
        // a fixed seed: the same 5,000 URIs on every run (kotest prints the failing one)
        @OptIn(ExperimentalKotest::class)
        val config = PropTestConfig(seed = 9)
        checkAll(5_000, config, uris) { uri ->
            withClue(uri) {
                RedisURI.mask(uri) shouldNotContain "PW"
                val shown = try {
                    RedisURI.parse(uri).let { it.toString() + " " + it.endpoint + " " + it.host + " " + it.clientName }
                } catch (e: IllegalArgumentException) {
                    e.message.orEmpty()
                }
                shown shouldNotContain "PW"
            }
        }
    }
})
