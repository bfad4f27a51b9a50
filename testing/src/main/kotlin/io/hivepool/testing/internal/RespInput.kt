package io.hivepool.testing.internal

import java.io.EOFException
import java.io.InputStream
import java.io.OutputStream

/**
 * Line and byte reads over a RESP stream, shared by the fixture's client (reading replies) and
 * [io.hivepool.testing.FakeRespServer] (reading requests). Not thread-safe: one reader per stream.
 */
internal class RespInput(private val input: InputStream) {

    /** Reads up to CRLF (or a bare LF), without the line end; null when the stream ends before any byte. */
    fun readLineOrNull(): String? {
        val line = StringBuilder()
        while (true) {
            val b = input.read()
            if (b == -1) {
                if (line.isEmpty()) return null
                throw EOFException("stream ended in the middle of a line: '$line'")
            }
            if (b == '\n'.code) {
                if (line.endsWith('\r')) line.setLength(line.length - 1)
                return line.toString()
            }
            line.append(b.toChar())
        }
    }

    fun readLine(): String = readLineOrNull() ?: throw EOFException("stream ended where a RESP line was expected")

    /** Reads exactly [count] bytes followed by CRLF, as after a `$` header. */
    fun readBulk(count: Int): ByteArray {
        val bytes = input.readNBytes(count)
        if (bytes.size < count) throw EOFException("stream ended after ${bytes.size} of $count bulk bytes")
        val cr = input.read()
        val lf = input.read()
        if (cr != '\r'.code || lf != '\n'.code) throw IllegalStateException("bulk string of $count bytes not followed by CRLF")
        return bytes
    }
}

/** Encodes [args] as a RESP array of bulk strings, the only request form a Redis server must accept. */
internal fun OutputStream.writeCommand(args: List<ByteArray>) {
    val out = java.io.ByteArrayOutputStream()
    out.write("*${args.size}\r\n".toByteArray())
    for (arg in args) {
        out.write("$${arg.size}\r\n".toByteArray())
        out.write(arg)
        out.write("\r\n".toByteArray())
    }
    write(out.toByteArray())
    flush()
}
