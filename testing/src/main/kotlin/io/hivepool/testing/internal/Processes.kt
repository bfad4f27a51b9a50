package io.hivepool.testing.internal

import java.io.IOException
import java.net.InetAddress
import java.net.ServerSocket
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/** A loopback port free right now; the caller must cope with losing a race for it. */
internal fun freeLoopbackPort(): Int =
    ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }

/** Sends a POSIX signal (`STOP`, `CONT`, `TERM`...) with the system `kill` command. */
internal fun sendSignal(pid: Long, signal: String) {
    val kill = ProcessBuilder("kill", "-$signal", pid.toString()).redirectErrorStream(true).start()
    val output = kill.inputStream.readAllBytes().toString(Charsets.UTF_8).trim()
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw IllegalStateException("kill -$signal $pid failed: $output")
    }
}

internal fun deleteTree(dir: Path) {
    if (!Files.exists(dir)) return
    Files.walk(dir).use { paths ->
        paths.sorted(Comparator.reverseOrder()).forEach {
            try {
                Files.deleteIfExists(it)
            } catch (_: IOException) {
                // best effort: a temp dir left behind is not worth failing a test run for
            }
        }
    }
}

/** Last [lines] lines of a text file, for error messages; empty when the file is missing. */
internal fun tail(file: Path, lines: Int = 15): String =
    if (Files.exists(file)) Files.readAllLines(file).takeLast(lines).joinToString("\n") else ""
