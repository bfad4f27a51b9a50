package io.hivepool.testing.internal

import io.hivepool.testing.RedisServerOptions
import io.hivepool.testing.TlsMaterial

/** Starts a Redis container; separate so tests can replace it and so Testcontainers loads only when needed. */
internal fun interface ContainerStarter {
    fun start(options: RedisServerOptions, tls: TlsMaterial?): ServerBackend

    companion object {
        val DEFAULT: ContainerStarter = ContainerStarter { options, tls ->
            try {
                if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable) {
                    throw IllegalStateException("Docker is not available")
                }
            } catch (e: LinkageError) {
                throw IllegalStateException("Testcontainers is not on the classpath ($e)")
            }
            ContainerRedis(options, tls).also { it.start() }
        }
    }
}
