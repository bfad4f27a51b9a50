package io.hivepool.redis.internal.resp

import io.hivepool.redis.RedisConnectionException
import io.hivepool.redis.RespValue
import io.ktor.utils.io.ByteReadChannel
import io.ktor.utils.io.readAvailable
import kotlin.coroutines.cancellation.CancellationException

/**
 * Decodes RESP2/RESP3 values from a Ktor [ByteReadChannel] (the handshake-free readers of tests and fake servers;
 * connections, TLS included, feed [RespParser] from their own read loop): a suspending
 * loop around [RespParser], which owns the grammar, the limits and the buffer. Not thread-safe.
 */
internal class RespReader(
    private val input: ByteReadChannel,
    maxBulkLength: Int = DEFAULT_MAX_BULK_LENGTH,
    maxNestingDepth: Int = DEFAULT_MAX_NESTING_DEPTH,
    initialBufferSize: Int = 16 * 1024,
) {
    private val parser = RespParser(maxBulkLength, maxNestingDepth, initialBufferSize)

    /**
     * Reads one complete value, skipping any RESP3 attribute in front of it.
     * Returns null when the stream ends cleanly between values.
     *
     * @throws io.hivepool.redis.RedisProtocolException on malformed input or a limit exceeded
     * @throws RedisConnectionException when the stream ends in the middle of a value
     */
    suspend fun read(): RespValue? {
        while (true) {
            parser.parse()?.let { return it }
            parser.prepareForRead()
            val n = try {
                input.readAvailable(parser.buffer, parser.end, parser.buffer.size - parser.end)
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                throw RedisConnectionException("connection lost while reading: ${e.message ?: e::class.simpleName}", e)
            }
            if (n < 0) {
                if (parser.isBetweenValues) return null
                throw truncated()
            }
            parser.advance(n)
        }
    }

    companion object {
        const val DEFAULT_MAX_BULK_LENGTH = RespParser.DEFAULT_MAX_BULK_LENGTH
        const val DEFAULT_MAX_NESTING_DEPTH = RespParser.DEFAULT_MAX_NESTING_DEPTH

        fun truncated(): RedisConnectionException = RedisConnectionException("connection closed by the server in the middle of a reply")
    }
}
