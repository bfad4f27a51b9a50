package io.hivepool.testing.internal

import io.hivepool.testing.RedisServerOptions
import io.hivepool.testing.TlsMaterial
import org.testcontainers.containers.GenericContainer
import org.testcontainers.containers.wait.strategy.Wait
import org.testcontainers.utility.DockerImageName
import org.testcontainers.utility.MountableFile
import java.nio.file.Path
import java.util.concurrent.TimeUnit

internal class RedisContainer(image: DockerImageName) : GenericContainer<RedisContainer>(image)

/**
 * A `redis` container, the last resort when no binary runs here. Host ports are fixed at creation
 * so [restart] keeps them; pause and resume use Docker's freezer instead of signals.
 */
internal class ContainerRedis(private val options: RedisServerOptions, private val tls: TlsMaterial?) : ServerBackend {
    private val container = RedisContainer(DockerImageName.parse(IMAGE))
    override val port: Int = freeLoopbackPort()
    override val tlsPort: Int? = if (tls != null) freeLoopbackPort() else null
    override val unixSocket: Path? = null
    override val source: String = "testcontainers"
    override val isExternal: Boolean = false
    override val credentials: Pair<String?, String>? = options.password?.let { null to it }
    override val host: String get() = container.host

    fun start() {
        if (options.unixSocket) {
            throw IllegalStateException("a Unix socket inside a container is not reachable from the tests")
        }
        val args = mutableListOf("redis-server", "--port", "6379", "--bind", "0.0.0.0", "--protected-mode", "no")
        args += listOf("--save", "", "--appendonly", "no", "--enable-debug-command", "yes")
        options.password?.let { args += listOf("--requirepass", it) }
        for ((user, password) in options.aclUsers) args += listOf("--user", user, "on", ">$password", "~*", "&*", "+@all")
        container.withExposedPorts(6379)
        val bindings = mutableListOf("$port:6379")
        if (tls != null) {
            container.withCopyFileToContainer(MountableFile.forHostPath(tls.caCertPem), "/tls/ca.crt")
            container.withCopyFileToContainer(MountableFile.forHostPath(tls.serverCertPem), "/tls/server.crt")
            container.withCopyFileToContainer(MountableFile.forHostPath(tls.serverKeyPem, 0x1a4), "/tls/server.key")
            args += listOf("--tls-port", "6380", "--tls-cert-file", "/tls/server.crt", "--tls-key-file", "/tls/server.key")
            args += listOf("--tls-ca-cert-file", "/tls/ca.crt", "--tls-auth-clients", "no")
            container.withExposedPorts(6379, 6380)
            bindings += "$tlsPort:6380"
        }
        args += options.extraArgs
        container.portBindings = bindings
        container.withCommand(*args.toTypedArray())
        container.waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1))
        LiveServers.register(this)
        try {
            container.start()
            awaitPing()
        } catch (e: Exception) {
            close()
            throw e
        }
    }

    private fun awaitPing() {
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.startTimeoutMillis)
        while (true) {
            try {
                RespClient.connect(host, port, readTimeoutMs = 1_000).use { it.call("PING") }
                return
            } catch (e: Exception) {
                if (System.nanoTime() > deadline) throw IllegalStateException("container $IMAGE did not answer PING: $e", e)
            }
            Thread.sleep(50)
        }
    }

    override fun stop() {
        val state = container.dockerClient.inspectContainerCmd(container.containerId).exec().state
        if (state.paused == true) resume()
        if (state.running == true) container.dockerClient.stopContainerCmd(container.containerId).exec()
    }

    override fun restart() {
        stop()
        container.dockerClient.startContainerCmd(container.containerId).exec()
        awaitPing()
    }

    override fun pause() {
        container.dockerClient.pauseContainerCmd(container.containerId).exec()
    }

    override fun resume() {
        container.dockerClient.unpauseContainerCmd(container.containerId).exec()
    }

    override fun close() {
        runCatching { container.stop() }
        LiveServers.unregister(this)
    }

    private companion object {
        const val IMAGE = "redis:7.2-alpine"
    }
}
