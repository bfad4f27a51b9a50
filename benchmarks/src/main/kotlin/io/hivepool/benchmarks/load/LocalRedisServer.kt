package io.hivepool.benchmarks.load

import java.io.File
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files

/**
 * A throw-away `redis-server` on a free loopback port for a benchmark run: no persistence, its own
 * temp dir, killed by [close]. Uses `$REDIS_SERVER` or `redis-server` on PATH.
 */
class LocalRedisServer private constructor(private val process: Process, val port: Int, binary: String) : AutoCloseable {
    val uri: String = "redis://127.0.0.1:$port"
    val source: String = "started $binary on port $port"

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
    }

    companion object {
        fun start(): LocalRedisServer {
            val binary = System.getenv("REDIS_SERVER")?.takeIf { it.isNotBlank() } ?: "redis-server"
            val port = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort }
            val dir = Files.createTempDirectory("hivepool-bench-redis").toFile().apply { deleteOnExit() }
            val log = File(dir, "redis.log")
            val process = try {
                ProcessBuilder(
                    binary, "--port", port.toString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", dir.absolutePath, "--logfile", log.absolutePath,
                ).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
            } catch (e: java.io.IOException) {
                throw IllegalStateException(
                    "could not start $binary (${e.message}); install redis-server or set REDIS_URL to a running server", e,
                )
            }
            val server = LocalRedisServer(process, port, binary)
            Runtime.getRuntime().addShutdownHook(Thread { process.destroyForcibly() })
            val deadline = System.nanoTime() + 10_000_000_000L
            while (System.nanoTime() < deadline) {
                if (!process.isAlive) {
                    error("$binary exited with ${process.exitValue()} at start; its log: ${log.takeIf { it.exists() }?.readText()}")
                }
                if (answersPing(port)) return server
                Thread.sleep(20)
            }
            server.close()
            error("$binary did not answer PING on port $port within 10s; its log: ${log.takeIf { it.exists() }?.readText()}")
        }

        private fun answersPing(port: Int): Boolean = try {
            Socket().use { socket ->
                socket.connect(InetSocketAddress("127.0.0.1", port), 200)
                socket.soTimeout = 500
                socket.getOutputStream().write("PING\r\n".toByteArray())
                val reply = ByteArray(7)
                val read = socket.getInputStream().read(reply)
                read > 0 && String(reply, 0, read).startsWith("+PONG")
            }
        } catch (e: java.io.IOException) {
            false
        }
    }
}
