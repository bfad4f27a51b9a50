package io.hivepool.redis

import io.hivepool.testing.FakeRespServer

/**
 * A [FakeRespServer] that gets through the handshake like a RESP3 server (HELLO answered with a map,
 * CLIENT ... with +OK) and hands every other request to [onCommand] with its upper-cased name.
 */
internal fun fakeRedis(onCommand: FakeRespServer.Session.(name: String, request: List<ByteArray>) -> Unit): FakeRespServer =
    FakeRespServer { request ->
        when (val name = request[0].decodeToString().uppercase()) {
            "HELLO" -> reply("%2\r\n+proto\r\n:3\r\n+id\r\n:7\r\n")
            "CLIENT" -> reply("+OK\r\n")
            else -> onCommand(name, request)
        }
    }

internal fun List<ByteArray>.texts(): List<String> = map { it.decodeToString() }
