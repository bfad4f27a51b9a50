package io.hivepool.redis

import io.hivepool.redis.internal.resp.RespReader
import java.nio.file.Path
import java.security.KeyStore
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Everything needed to open one Redis connection. Made directly, or from a URI with [RedisURI.parse].
 * [toString] never shows the password.
 *
 * @property host server host name or address (ignored when [unixSocket] is set)
 * @property port server TCP port
 * @property tls speak TLS (`rediss://`); the server certificate is checked against [trustStore] /
 *   [caCertificate] or, when neither is set, the JVM's default trust store, and its name against [host]
 * @property unixSocket path of a Unix domain socket to use instead of TCP
 * @property user ACL user name; null means `default`
 * @property password password for [user]; null means no authentication
 * @property db logical database selected after connecting
 * @property clientName name set with `HELLO ... SETNAME` (shown by `CLIENT LIST`)
 * @property protocol RESP version to ask for, 2 or 3; a server without `HELLO` always speaks 2
 * @property connectTimeout limit on opening the socket, TLS and the handshake together
 * @property commandTimeout how long a reply may be missing before the connection is declared dead;
 *   [Duration.INFINITE] turns the check off
 * @property maxBulkLength largest bulk string or aggregate a reply may declare; larger is a protocol error
 * @property maxNestingDepth deepest nesting of aggregates a reply may have
 * @property trustStore trust store holding the CA that signed the server's certificate
 * @property caCertificate PEM file with the CA certificate(s) that signed the server's certificate
 * @property tlsServerName the name the server certificate must carry, also sent as SNI; null means [host]
 * @property readOnly send `READONLY` in the handshake, so a Redis Cluster replica serves reads of its slots
 *   (the cluster client sets it on its replica connections)
 */
public data class RedisConnectionConfig(
    val host: String = "127.0.0.1",
    val port: Int = 6379,
    val tls: Boolean = false,
    val unixSocket: Path? = null,
    val user: String? = null,
    val password: String? = null,
    val db: Int = 0,
    val clientName: String? = null,
    val protocol: Int = 3,
    val connectTimeout: Duration = 10.seconds,
    val commandTimeout: Duration = 10.seconds,
    val maxBulkLength: Int = RespReader.DEFAULT_MAX_BULK_LENGTH,
    val maxNestingDepth: Int = RespReader.DEFAULT_MAX_NESTING_DEPTH,
    val trustStore: KeyStore? = null,
    val caCertificate: Path? = null,
    val tlsServerName: String? = null,
    val readOnly: Boolean = false,
) {
    init {
        require(unixSocket != null || host.isNotBlank()) { "host must not be blank" }
        require(port in 1..65535) { "port must be in 1..65535, was $port" }
        require(db >= 0) { "db must be >= 0, was $db" }
        require(protocol == 2 || protocol == 3) { "protocol must be 2 or 3, was $protocol" }
        require(user == null || password != null) {
            "user '$user' has no password; give one (redis://$user:<password>@host) or drop the user"
        }
        require(connectTimeout.isPositive()) { "connectTimeout must be > 0, was $connectTimeout" }
        require(commandTimeout.isPositive()) { "commandTimeout must be > 0, was $commandTimeout" }
        require(maxBulkLength > 0) { "maxBulkLength must be > 0, was $maxBulkLength" }
        require(maxNestingDepth > 0) { "maxNestingDepth must be > 0, was $maxNestingDepth" }
        require(!(tls && unixSocket != null)) { "tls and unixSocket cannot be combined" }
    }

    /** Where this connects, as a URI with the password masked: `redis://user:***@host:port/db`. */
    val endpoint: String
        get() {
            val auth = when {
                password != null -> "${user.orEmpty()}:***@"
                else -> ""
            }
            return if (unixSocket != null) {
                "redis+unix://$auth$unixSocket" + if (db != 0) "?db=$db" else ""
            } else {
                val h = if (host.contains(':')) "[$host]" else host
                "${if (tls) "rediss" else "redis"}://$auth$h:$port/$db"
            }
        }

    override fun toString(): String = buildString {
        append("RedisConnectionConfig(").append(endpoint)
        if (clientName != null) append(", clientName=").append(clientName)
        append(", protocol=").append(protocol)
        append(", connectTimeout=").append(connectTimeout)
        append(", commandTimeout=").append(commandTimeout)
        append(")")
    }
}
