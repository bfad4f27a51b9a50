package io.hivepool.redis.internal

import io.ktor.network.selector.SelectInterest
import io.ktor.network.selector.Selectable
import io.ktor.network.selector.SelectorManager
import io.ktor.network.sockets.Socket
import io.ktor.network.sockets.awaitClosed
import io.ktor.network.sockets.openReadChannel
import io.ktor.network.sockets.openWriteChannel
import io.ktor.utils.io.readAvailable
import io.ktor.utils.io.writeFully
import java.nio.ByteBuffer
import java.nio.channels.SocketChannel

/**
 * How a connection's bytes reach the socket. Two kinds:
 * - [Direct] (TCP, Unix sockets): the non-blocking `SocketChannel` under Ktor's socket, written where the bytes
 *   are (suspending on Ktor's selector only when the socket is full) and read by an [IoLoop] when replies
 *   arrive. No coroutine, no channel and no copy between the connection and the kernel.
 * - [Channels] (TLS): Ktor's byte channels, because the TLS engine sits behind them; a reader coroutine reads.
 */
internal sealed class Transport(protected val socket: Socket) {
    /** Writes what it can of `buf[off until off + len]` without suspending; returns how much left (maybe 0). */
    abstract fun writeNow(buf: ByteArray, off: Int, len: Int): Int

    /** Writes all of `buf[off until off + len]`, suspending while the socket is full. Not cancellation-safe mid-way. */
    abstract suspend fun write(buf: ByteArray, off: Int, len: Int)

    fun close() {
        socket.close()
    }

    suspend fun awaitClosed() {
        socket.awaitClosed()
    }

    class Direct(socket: Socket, private val selector: SelectorManager) : Transport(socket) {
        private val selectable = socket as Selectable
        val channel = selectable.channel as SocketChannel

        // Views over the connection's arrays, kept while the arrays stay the same (one writer, one reader at a time).
        // Two for writing: the connection alternates between two output buffers.
        private var writeView: ByteBuffer = EMPTY
        private var otherWriteView: ByteBuffer = EMPTY
        private var readView: ByteBuffer = EMPTY

        private fun writeView(buf: ByteArray, off: Int, len: Int): ByteBuffer {
            if (writeView.array() !== buf) {
                val other = otherWriteView
                otherWriteView = writeView
                writeView = if (other.array() === buf) other else ByteBuffer.wrap(buf)
            }
            return writeView.limit(off + len).position(off) as ByteBuffer
        }

        override fun writeNow(buf: ByteArray, off: Int, len: Int): Int {
            val bb = writeView(buf, off, len)
            while (bb.hasRemaining()) {
                if (channel.write(bb) == 0) break
            }
            return bb.position() - off
        }

        override suspend fun write(buf: ByteArray, off: Int, len: Int) {
            val bb = writeView(buf, off, len)
            while (bb.hasRemaining()) {
                if (channel.write(bb) == 0) {
                    selectable.interestOp(SelectInterest.WRITE, true)
                    try {
                        selector.select(selectable, SelectInterest.WRITE)
                    } finally {
                        selectable.interestOp(SelectInterest.WRITE, false) // a writable socket would wake the selector forever
                    }
                }
            }
        }

        /**
         * Reads what has arrived into `buf[off until off + len]` without suspending: 0 when nothing has, -1 at end
         * of stream. Called by the connection's [IoLoop] only.
         */
        fun readNow(buf: ByteArray, off: Int, len: Int): Int {
            if (readView.array() !== buf) readView = ByteBuffer.wrap(buf)
            return channel.read(readView.limit(off + len).position(off) as ByteBuffer)
        }

        companion object {
            private val EMPTY: ByteBuffer = ByteBuffer.wrap(ByteArray(0))

            /** True when [socket] is a plain Ktor socket over a `SocketChannel` (not TLS): the direct path applies. */
            fun supports(socket: Socket): Boolean = socket is Selectable && socket.channel is SocketChannel
        }
    }

    class Channels(socket: Socket) : Transport(socket) {
        private val input = socket.openReadChannel()
        private val output = socket.openWriteChannel(autoFlush = false)

        override fun writeNow(buf: ByteArray, off: Int, len: Int): Int = 0 // always through write(): the TLS engine may suspend

        override suspend fun write(buf: ByteArray, off: Int, len: Int) {
            output.writeFully(buf, off, off + len)
            output.flush()
        }

        /** Reads what has arrived into `buf[off until off + len]`, suspending until something has; -1 at end of stream. */
        suspend fun read(buf: ByteArray, off: Int, len: Int): Int = input.readAvailable(buf, off, len)
    }
}
