package io.hivepool.redis

import java.net.URLDecoder
import java.nio.file.Path
import kotlin.time.Duration

/**
 * Parses Redis URIs into [RedisConnectionConfig]:
 *
 * - `redis://[user[:password]@]host[:port][/db]`
 * - `rediss://...` (TLS, same shape)
 * - `redis+unix://[[user]:password@]/path/to/socket[?db=N]`
 *
 * Query options: `connectTimeout` and `commandTimeout` (durations such as `500ms`, `2s`, `1m`),
 * `clientName` (or `name`), `protocol` (`2` or `3`), `db`. User and password may be percent-encoded; a `?` or `#`
 * in a password must be (`%3F`, `%23`). Error messages show the URI through [mask] and never quote anything from
 * before its last `@`; [RedisConnectionConfig.toString] shows the password as `***`.
 */
public object RedisURI {
    /**
     * Parses [uri], applying its settings over [defaults].
     *
     * @throws IllegalArgumentException naming what is wrong with the URI (the password is masked)
     */
    public fun parse(uri: String, defaults: RedisConnectionConfig = RedisConnectionConfig()): RedisConnectionConfig {
        val shown = mask(uri)
        fun bad(what: String): Nothing = throw IllegalArgumentException("invalid Redis URI '$shown': $what")
        fun decode(s: String, what: String): String = try {
            URLDecoder.decode(s.replace("+", "%2B"), Charsets.UTF_8)
        } catch (e: IllegalArgumentException) {
            bad("invalid percent-encoding in $what") // URLDecoder's own message quotes the bad characters
        }

        val schemeEnd = schemeEnd(uri)
        if (schemeEnd < 0) bad("expected redis://, rediss:// or redis+unix:// at the start")
        val scheme = uri.substring(0, schemeEnd).lowercase()
        val isUnix = when (scheme) {
            "redis", "rediss" -> false
            "redis+unix", "unix" -> true
            else -> bad("unsupported scheme '$scheme'; use redis://, rediss:// or redis+unix://")
        }
        val start = schemeEnd + 3
        // Everything between // and the last '@' may be the password (mask() hides it all). A '?' or '#' in there
        // leaves no safe way to tell where the user info ends: a guess could put part of the password in the host
        // or in a message, so refuse. Past this check, no value echoed below comes from before the last '@'.
        val lastAt = uri.lastIndexOf('@')
        val queryOrFragment = uri.indexOfAny(charArrayOf('?', '#'), start)
        if (queryOrFragment in start until lastAt) {
            bad("'?' or '#' before the last '@'; percent-encode them in a password ('?' as %3F, '#' as %23) and '@' in option values (%40)")
        }
        var rest = uri.substring(start)
        val query = rest.substringAfter('?', "")
        rest = rest.substringBefore('?').substringBefore('#')

        var config = defaults.copy(tls = scheme == "rediss")
        // The last '@' ends the user info, so an unencoded '/' or '@' in a password cannot shift the host.
        val at = rest.lastIndexOf('@')
        if (at >= 0) {
            val userInfo = rest.substring(0, at)
            rest = rest.substring(at + 1)
            val user = decode(userInfo.substringBefore(':'), "the user or password").ifEmpty { null }
            val password = if (userInfo.contains(':')) decode(userInfo.substringAfter(':'), "the user or password") else null
            // Not quoting the user: without a ':' it may well be a password (some clients read redis://secret@host so).
            if (user != null && password == null) {
                bad("a user without a password; write $scheme://<user>:<password>@... (or $scheme://:<password>@... for the default user)")
            }
            config = config.copy(user = user, password = password)
        }

        if (isUnix) {
            if (!rest.startsWith("/")) bad("a Unix socket URI needs an absolute path, e.g. redis+unix:///run/redis.sock")
            config = config.copy(unixSocket = Path.of(decode(rest, "the socket path")))
        } else {
            val authority = rest.substringBefore('/')
            val path = rest.substringAfter('/', "")
            val (host, port) = hostAndPort(authority, ::bad)
            config = config.copy(host = host, port = port ?: 6379)
            if (path.isNotEmpty()) {
                val db = path.toIntOrNull()?.takeIf { it >= 0 } ?: bad("invalid database '$path' in the path; expected /<number>")
                config = config.copy(db = db)
            }
        }

        if (query.isNotEmpty()) {
            for (pair in query.split('&').filter { it.isNotEmpty() }) {
                val key = decode(pair.substringBefore('='), "an option name")
                val value = decode(pair.substringAfter('=', ""), "the value of $key")
                config = when (key) {
                    "db" -> config.copy(db = value.toIntOrNull()?.takeIf { it >= 0 } ?: bad("invalid db '$value'; expected a number >= 0"))
                    "connectTimeout" -> config.copy(connectTimeout = duration(key, value, ::bad))
                    "commandTimeout" -> config.copy(commandTimeout = duration(key, value, ::bad))
                    "clientName", "name" -> config.copy(clientName = value.ifEmpty { null })
                    "protocol" -> config.copy(protocol = value.toIntOrNull()?.takeIf { it == 2 || it == 3 } ?: bad("invalid protocol '$value'; expected 2 or 3"))
                    else -> bad("unknown option '$key'; known options: db, connectTimeout, commandTimeout, clientName, name, protocol")
                }
            }
        }
        return try {
            config.copy()
        } catch (e: IllegalArgumentException) {
            bad(e.message ?: "invalid settings")
        }
    }

    /**
     * [uri] with everything between `//` and the last `@` replaced by `***`, safe to log. The user goes too: in a
     * malformed URI nobody can tell where the user ends and the password starts. Without a `scheme://` start, the
     * mask runs from the first character.
     */
    public fun mask(uri: String): String {
        val schemeEnd = schemeEnd(uri)
        val start = if (schemeEnd < 0) 0 else schemeEnd + 3
        val at = uri.lastIndexOf('@')
        if (at < start) return uri
        return uri.substring(0, start) + "***" + uri.substring(at)
    }

    /** Index of `://` after a well-formed scheme (RFC 3986: a letter, then letters, digits, `+ - .`), else -1. */
    private fun schemeEnd(uri: String): Int = SCHEME.find(uri)?.let { it.range.last - 2 } ?: -1

    private val SCHEME = Regex("^[A-Za-z][A-Za-z0-9+.-]*://")

    private fun hostAndPort(authority: String, bad: (String) -> Nothing): Pair<String, Int?> {
        if (authority.isEmpty()) bad("missing host")
        val host: String
        val portText: String?
        if (authority.startsWith("[")) {
            val close = authority.indexOf(']')
            if (close < 0) bad("unclosed '[' in IPv6 host")
            host = authority.substring(1, close)
            portText = authority.substring(close + 1).let { if (it.isEmpty()) null else if (it.startsWith(":")) it.substring(1) else bad("unexpected '$it' after IPv6 host") }
        } else {
            host = authority.substringBefore(':')
            portText = if (authority.contains(':')) authority.substringAfter(':') else null
        }
        if (host.isEmpty()) bad("missing host")
        val port = portText?.let { p -> p.toIntOrNull()?.takeIf { it in 1..65535 } ?: bad("invalid port '$p'; expected 1..65535") }
        return host to port
    }

    private fun duration(key: String, value: String, bad: (String) -> Nothing): Duration {
        val d = Duration.parseOrNull(value) ?: bad("invalid duration '$value' for $key; use e.g. 500ms, 2s or 1m")
        if (!d.isPositive()) bad("$key must be > 0, was '$value'")
        return d
    }
}
