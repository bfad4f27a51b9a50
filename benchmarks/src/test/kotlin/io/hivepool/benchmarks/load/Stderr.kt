package io.hivepool.benchmarks.load

import java.io.ByteArrayOutputStream
import java.io.PrintStream

/** The lines [block] printed to stderr. */
internal fun captureStderr(block: () -> Unit): List<String> {
    val saved = System.err
    val out = ByteArrayOutputStream()
    System.setErr(PrintStream(out, true))
    try {
        block()
    } finally {
        System.setErr(saved)
    }
    return out.toString().lines()
}
