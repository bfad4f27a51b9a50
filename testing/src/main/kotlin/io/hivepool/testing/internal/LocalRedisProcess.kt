package io.hivepool.testing.internal

import io.github.oshai.kotlinlogging.KotlinLogging
import io.hivepool.testing.RedisServerOptions
import io.hivepool.testing.TlsMaterial
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

private val log = KotlinLogging.logger {}

/** Why a redis-server process did not come up; the message carries the tail of its output. */
internal class ServerStartException(message: String, cause: Throwable? = null) : RuntimeException(message, cause)

/**
 * A redis-server process this JVM started and owns: its own loopback port, its own temp dir (dir,
 * pidfile, logfile, unix socket, TLS files), no persistence. Stopped by its pid, never by name.
 * Its TLS port, when asked for, is a [TlsFront] in this JVM: the binary need not be built with TLS.
 */
internal class LocalRedisProcess(
    private val binary: Path,
    override val source: String,
    private val options: RedisServerOptions,
    private val dir: Path,
    private val tls: TlsMaterial?,
) : ServerBackend {
    override val host: String = "127.0.0.1"
    override var port: Int = 0
        private set
    override var tlsPort: Int? = null
        private set
    override val unixSocket: Path? = if (options.unixSocket) dir.resolve("redis.sock") else null
    override val isExternal: Boolean = false
    override val credentials: Pair<String?, String>? = options.password?.let { null to it }

    private val lock = Any()
    private var process: Process? = null // guarded by lock
    private var paused = false // guarded by lock
    private var serverPid = 0L // guarded by lock: the redis-server's own pid (differs from process's only for a wrapper script)
    private val logFile = dir.resolve("redis.log")
    private val outFile = dir.resolve("redis.out")
    private val pidFile = dir.resolve("redis.pid")
    private val front: TlsFront? = tls?.let { TlsFront(it, host) }

    /** First start: picks free ports, and picks again when another process won the race for one. */
    fun start() {
        var attempt = 1
        while (true) {
            LiveServers.register(this)
            port = freeLoopbackPort()
            try {
                synchronized(lock) { launch() }
                return
            } catch (e: Exception) {
                LiveServers.unregister(this)
                if (e !is ServerStartException) throw e
                if (attempt >= PORT_ATTEMPTS || !e.message.orEmpty().contains("Address already in use")) throw e
                log.info { "port $port was taken before redis-server bound it; trying another" }
                attempt++
            }
        }
    }

    // guarded by lock
    private fun launch() {
        val command = listOf(binary.toString()) + arguments()
        // fresh output per launch, so failure messages show this launch only
        Files.deleteIfExists(logFile)
        Files.deleteIfExists(pidFile)
        val started = ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(outFile.toFile()))
            .start()
        started.outputStream.close() // redis-server reads nothing from stdin
        process = started
        try {
            awaitPing(started)
            // the first start takes any free port; restart() opens the same one again
            if (front != null) tlsPort = front.start(upstreamPort = port, port = tlsPort ?: 0)
        } catch (e: Exception) {
            stopProcess(started)
            process = null
            throw e
        }
        log.debug { "redis-server ($source) pid $serverPid listening on $host:$port" }
    }

    /** Major version from `redis-server --version`: 6.2 and 7.x differ in the options they accept. */
    private val majorVersion: Int by lazy {
        val probe = ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start()
        val text = probe.inputStream.readAllBytes().toString(Charsets.UTF_8)
        probe.waitFor(10, TimeUnit.SECONDS)
        Regex("v=(\\d+)\\.").find(text)?.groupValues?.get(1)?.toInt()
            ?: throw ServerStartException("$binary --version printed no version: ${text.trim()}")
    }

    private fun arguments(): List<String> = buildList {
        options.configFile?.let { add(it.toString()) } // a config file must come first
        if (options.sentinel) add("--sentinel")
        addAll(listOf("--port", port.toString(), "--bind", host, "--protected-mode", "no"))
        // 7.x refuses DEBUG (handy for slow-server tests) unless enabled; 6.2 has no such option
        if (majorVersion >= 7) addAll(listOf("--enable-debug-command", "yes"))
        addAll(listOf("--save", "", "--appendonly", "no", "--daemonize", "no"))
        addAll(listOf("--dir", dir.toString(), "--pidfile", pidFile.toString()))
        addAll(listOf("--logfile", logFile.toString()))
        options.password?.let { addAll(listOf("--requirepass", it)) }
        for ((user, password) in options.aclUsers) {
            addAll(listOf("--user", user, "on", ">$password", "~*", "&*", "+@all"))
        }
        unixSocket?.let { addAll(listOf("--unixsocket", it.toString(), "--unixsocketperm", "700")) }
        addAll(options.extraArgs)
    }

    /**
     * Waits until our server answers on the port. The answer must come from our pid (or the pid in
     * our pidfile, for a wrapper script): when another process won the race for the port (maybe
     * another test's Redis), ours is about to exit with "Address already in use" and must not be
     * mistaken for up.
     */
    private fun awaitPing(started: Process) {
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.startTimeoutMillis)
        var lastError: Exception? = null
        while (System.nanoTime() < deadline) {
            if (!started.isAlive) {
                started.waitFor()
                throw ServerStartException("$binary exited with code ${started.exitValue()} while starting:\n${output()}")
            }
            try {
                val answering = pidOnPort()
                if (answering != null && (answering == started.pid() || answering == pidInFile())) {
                    serverPid = answering
                    return
                }
            } catch (e: Exception) {
                lastError = e
            }
            Thread.sleep(POLL_MS)
        }
        throw ServerStartException(
            "$binary did not answer PING on $host:$port within ${options.startTimeoutMillis} ms " +
                "(last error: $lastError):\n${output()}",
            lastError,
        )
    }

    private fun pidOnPort(): Long? = RespClient.connect(host, port, readTimeoutMs = 1_000).use { client ->
        options.password?.let { client.callOk("AUTH", it) }
        client.callOk("INFO", "server").render().lineSequence()
            .firstOrNull { it.startsWith("process_id:") }
            ?.substringAfter(':')?.trim()?.toLong()
    }

    private fun pidInFile(): Long? =
        runCatching { Files.readString(pidFile).trim().toLong() }.getOrNull()

    private fun output(): String = (tail(outFile) + "\n" + tail(logFile)).trim()

    override fun stop() = synchronized(lock) {
        process?.let { stopProcess(it) }
        process = null
    }

    // guarded by lock
    private fun stopProcess(p: Process) {
        front?.stop()
        // a stopped (SIGSTOP) process would hold SIGTERM until continued
        if (paused && p.isAlive) runCatching { sendSignal(serverPid, "CONT") }
        paused = false
        if (serverPid != 0L && serverPid != p.pid()) {
            ProcessHandle.of(serverPid).ifPresent { server ->
                server.destroy()
                if (runCatching { server.onExit().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS) }.isFailure) server.destroyForcibly()
            }
        }
        serverPid = 0L // never signal a pid that may since belong to another process
        p.destroy()
        if (!p.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            log.warn { "redis-server pid ${p.pid()} ignored SIGTERM for ${STOP_WAIT_SECONDS}s; killing it" }
            p.destroyForcibly().waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)
        }
    }

    override fun kill() = synchronized(lock) {
        val p = process ?: return@synchronized
        if (serverPid != 0L && serverPid != p.pid()) ProcessHandle.of(serverPid).ifPresent { it.destroyForcibly() }
        p.destroyForcibly()
        p.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)
        serverPid = 0L
        paused = false
        process = null
    }

    override fun restart() = synchronized(lock) {
        process?.let { stopProcess(it) }
        process = null
        launch()
    }

    override fun pause() = synchronized(lock) {
        running("pause")
        sendSignal(serverPid, "STOP")
        paused = true
    }

    override fun resume() = synchronized(lock) {
        running("resume")
        sendSignal(serverPid, "CONT")
        paused = false
    }

    private fun running(action: String) {
        if (process?.isAlive != true || serverPid == 0L) {
            throw IllegalStateException("cannot $action: the redis-server on port $port is stopped; call restart() first")
        }
    }

    override fun close() {
        stop()
        deleteTree(dir)
        LiveServers.unregister(this)
    }

    companion object {
        private const val PORT_ATTEMPTS = 5
        private const val POLL_MS = 20L
        private const val STOP_WAIT_SECONDS = 10L

        fun createDir(): Path = Files.createTempDirectory("hivepool-redis-")
    }
}
