package io.hivepool.testing.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.testing.RedisServer
import io.hivepool.testing.RedisServerOptions
import io.hivepool.testing.RedisServerUnavailableException
import io.hivepool.testing.TlsMaterial
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

private val log = KotlinLogging.logger {}

/**
 * Finds a Redis server in the documented order. The environment, the embedded binary and the
 * container starter are injected so tests can force each branch. [IGNORE_PATH] in the environment
 * (or the system property [IGNORE_PATH_PROPERTY], see [default]) passes over a redis-server on PATH,
 * as on a machine that has none.
 */
internal class ServerResolver(
    private val env: (String) -> String?,
    private val embedded: EmbeddedBinary = EmbeddedBinary.DEFAULT,
    private val containers: ContainerStarter = ContainerStarter.DEFAULT,
) {
    private class Skip(message: String) : Exception(message)

    fun start(options: RedisServerOptions): RedisServer {
        val attempts = mutableListOf<String>()
        val dir = LocalRedisProcess.createDir()
        val tls: TlsMaterial? by lazy { if (options.tls) TlsCertificates.create(dir.resolve("tls")) else null }

        fun attempt(way: String, block: () -> ServerBackend): RedisServer? {
            try {
                val backend = block()
                try {
                    return RedisServer(backend, if (backend.isExternal) null else tls)
                } catch (e: Exception) {
                    backend.close()
                    throw e
                }
            } catch (e: Skip) {
                attempts += "$way: ${e.message}"
            } catch (e: Exception) {
                attempts += "$way: ${e.message ?: e.toString()}"
                log.info { "could not get a Redis server from $way: ${e.message}" }
            }
            return null
        }

        options.executable?.let { binary ->
            attempt("executable") {
                if (!Files.isRegularFile(binary)) throw Skip("$binary does not exist or is not a file")
                if (!Files.isExecutable(binary)) throw Skip("$binary is not executable")
                local(binary, "executable ($binary)", options, dir, tls)
            }?.let { return it }
            deleteTree(dir)
            throw RedisServerUnavailableException(attempts)
        }

        attempt("REDIS_URL") { external(options) }?.let { deleteTree(dir); return it }

        val explicit = env("REDIS_SERVER")?.takeIf { it.isNotBlank() }
        attempt("REDIS_SERVER") {
            val path = explicit ?: throw Skip("not set")
            val binary = Paths.get(path)
            if (!Files.isRegularFile(binary)) throw Skip("$path does not exist or is not a file")
            if (!Files.isExecutable(binary)) throw Skip("$path is not executable")
            local(binary, "REDIS_SERVER ($path)", options, dir, tls)
        }?.let { return it }

        attempt("redis-server on PATH") {
            if (ignoresPath(env)) throw Skip("ignored, since $IGNORE_PATH is set to ${env(IGNORE_PATH)}")
            val binary = onPath("redis-server") ?: throw Skip("not found in PATH (${env("PATH").orEmpty()})")
            if (explicit != null && binary == Paths.get(explicit)) throw Skip("$binary, the same binary as REDIS_SERVER")
            local(binary, "redis-server on PATH ($binary)", options, dir, tls)
        }?.let { return it }

        attempt("embedded-redis") {
            local(embedded.extract(), "embedded-redis", options, dir, tls)
        }?.let { return it }

        attempt("testcontainers") {
            containers.start(options, tls)
        }?.let { deleteTree(dir); return it }

        deleteTree(dir)
        throw RedisServerUnavailableException(attempts)
    }

    private fun external(options: RedisServerOptions): ServerBackend {
        val url = env("REDIS_URL")?.takeIf { it.isNotBlank() } ?: throw Skip("not set")
        options.needsOwnServer()?.let {
            throw Skip("set to $url, but the options ($it) need a server the fixture starts itself")
        }
        val backend = ExternalRedis(url)
        try {
            RespClient.connect(backend.host, backend.port).use { it.call("PING") }
        } catch (e: Exception) {
            throw Skip("set to $url, but it does not answer PING: $e")
        }
        for ((user, password) in options.aclUsers) {
            RespClient.connect(backend.host, backend.port).use { client ->
                backend.credentials?.let { (u, p) -> if (u == null) client.callOk("AUTH", p) else client.callOk("AUTH", u, p) }
                client.callOk("ACL", "SETUSER", user, "on", ">$password", "~*", "&*", "+@all")
            }
        }
        return backend
    }

    private fun local(binary: Path, source: String, options: RedisServerOptions, dir: Path, tls: TlsMaterial?): ServerBackend =
        LocalRedisProcess(binary, source, options, dir, tls).also { it.start() }

    private fun onPath(name: String): Path? =
        env("PATH").orEmpty().split(File.pathSeparator).asSequence()
            .filter { it.isNotBlank() }
            .map { Paths.get(it, name) }
            .firstOrNull { Files.isRegularFile(it) && Files.isExecutable(it) }

    companion object {
        /** Set (to anything but false/0/no), the fixture runs no redis-server from PATH, as on a fresh machine. */
        const val IGNORE_PATH: String = "HIVEPOOL_IGNORE_REDIS_ON_PATH"

        /** The same switch as a system property, e.g. `mvn verify -Dhivepool.ignoreRedisOnPath=true`. */
        const val IGNORE_PATH_PROPERTY: String = "hivepool.ignoreRedisOnPath"

        /** The process environment, with [IGNORE_PATH] also read from the system property [IGNORE_PATH_PROPERTY]. */
        val systemEnv: (String) -> String? = { name ->
            System.getenv(name) ?: if (name == IGNORE_PATH) System.getProperty(IGNORE_PATH_PROPERTY) else null
        }

        fun ignoresPath(env: (String) -> String?): Boolean =
            env(IGNORE_PATH)?.trim()?.lowercase()?.let { it.isNotEmpty() && it !in setOf("false", "0", "no") } ?: false

        fun default(): ServerResolver = ServerResolver(systemEnv)
    }
}
