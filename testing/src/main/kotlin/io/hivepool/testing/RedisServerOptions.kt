package io.hivepool.testing

/**
 * How [RedisServer.start] should configure the server it starts. Read once, when the server starts;
 * later changes have no effect.
 */
public class RedisServerOptions {
    /** Password of the `default` user (`requirepass`); null leaves the server open. */
    public var password: String? = null

    /** Extra ACL users, name to password, each created with full rights (`on >pass ~* &* +@all`). */
    public val aclUsers: MutableMap<String, String> = linkedMapOf()

    /**
     * Also listen with TLS on [RedisServer.tlsPort], with a CA and server certificate made at start by the
     * JDK. For a server the fixture runs itself, the TLS port is a TLS front in this JVM (the JDK's TLS stack,
     * TLS 1.2 and 1.3) forwarding to the plain port, so any redis-server works, built with TLS or not, and
     * nothing outside the JDK is needed. Clients are not asked for certificates.
     */
    public var tls: Boolean = false

    /** Also listen on a Unix domain socket in the server's temp dir, see [RedisServer.unixSocket]. */
    public var unixSocket: Boolean = false

    /** Passed to redis-server as they are, after the fixture's own options, e.g. `"--notify-keyspace-events", "KEA"`. */
    public val extraArgs: MutableList<String> = mutableListOf()

    /**
     * The redis-server binary to run, e.g. `Paths.get("/usr/bin/redis-server")` for a test that needs Redis 7
     * features; null (the default) finds one in the documented order (see [RedisServer]). When set, only this
     * binary is tried: no `REDIS_URL`, PATH, embedded binary or container, and [RedisServer.start] fails with
     * [RedisServerUnavailableException] when it is missing, not executable or does not start.
     */
    public var executable: java.nio.file.Path? = null

    /** How long to wait for a started server to answer PING, in milliseconds. */
    public var startTimeoutMillis: Long = 15_000

    /** A config file passed first on the command line (a sentinel's, which the sentinel rewrites); set by the fixtures. */
    @get:JvmSynthetic @set:JvmSynthetic // internal members of a public class are public (mangled) to Java
    internal var configFile: java.nio.file.Path? = null

    /** Run as a Sentinel (`redis-server <configFile> --sentinel`); set by [RedisSentinelGroup]. */
    @get:JvmSynthetic @set:JvmSynthetic
    internal var sentinel: Boolean = false

    @JvmSynthetic
    internal fun snapshot(): RedisServerOptions = RedisServerOptions().also {
        it.configFile = configFile
        it.sentinel = sentinel
        it.password = password
        it.executable = executable
        it.aclUsers.putAll(aclUsers)
        it.tls = tls
        it.unixSocket = unixSocket
        it.extraArgs.addAll(extraArgs)
        it.startTimeoutMillis = startTimeoutMillis
    }

    /** What an attached REDIS_URL server cannot honour, or null when it can serve these options. */
    @JvmSynthetic
    internal fun needsOwnServer(): String? {
        val reasons = buildList {
            if (password != null) add("password")
            if (tls) add("tls")
            if (unixSocket) add("unixSocket")
            if (extraArgs.isNotEmpty()) add("extraArgs")
            if (sentinel || configFile != null) add("sentinel")
        }
        return if (reasons.isEmpty()) null else reasons.joinToString(", ")
    }
}
