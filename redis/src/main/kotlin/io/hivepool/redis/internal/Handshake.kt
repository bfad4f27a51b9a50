package io.hivepool.redis.internal

import io.hivepool.redis.RedisAuthException
import io.hivepool.redis.RedisConnectionConfig
import io.hivepool.redis.RedisServerException
import io.hivepool.redis.RespValue
import kotlin.time.Duration

/**
 * The commands that make a fresh (or freshly RESET) connection ours, sent in one flush:
 *
 * ```
 * [RESET]  HELLO <proto> [AUTH user pass] [SETNAME name]  [SELECT db]  [READONLY]  CLIENT SETINFO LIB-NAME  CLIENT SETINFO LIB-VER
 * ```
 * A server without HELLO (or without RESP3: NOPROTO) gets a second round trip in RESP2:
 * `AUTH [user] pass`, `CLIENT SETNAME name`, `SELECT db`. CLIENT SETINFO failures are ignored (older servers).
 */
internal class Handshake(private val conn: RealRedisConnection, private val config: RedisConnectionConfig) {
    private val endpoint = config.endpoint

    suspend fun run(afterReset: Boolean) {
        val batch = ArrayList<Pending>()
        if (afterReset) batch += pending(listOf("RESET"))
        val hello = pending(helloArgs())
        batch += hello
        val select = if (config.db != 0) pending(listOf("SELECT", config.db)) else null
        select?.let { batch += it }
        val readOnly = if (config.readOnly) pending(listOf("READONLY")) else null
        readOnly?.let { batch += it }
        batch += pending(listOf("CLIENT", "SETINFO", "LIB-NAME", LIB_NAME))
        batch += pending(listOf("CLIENT", "SETINFO", "LIB-VER", LIB_VERSION))

        val replies = conn.exchange(batch).let { if (afterReset) it.drop(1) else it }
        if (afterReset) conn.protocol = 2 // RESET drops the connection back to RESP2 until HELLO succeeds
        when (val helloReply = replies[0]) {
            is RespValue.Error -> {
                if (!isMissingHello(helloReply)) throw helloFailure(helloReply)
                fallback()
                return
            }
            else -> readHello(helloReply)
        }
        if (select != null) checkSelect(replies[1])
        if (readOnly != null) checkReadOnly(replies[if (select != null) 2 else 1])
    }

    private fun helloArgs(): List<Any> = buildList {
        add("HELLO")
        add(config.protocol)
        if (config.password != null) {
            add("AUTH"); add(config.user ?: "default"); add(config.password)
        }
        if (config.clientName != null) {
            add("SETNAME"); add(config.clientName)
        }
    }

    private suspend fun fallback() {
        val batch = ArrayList<Pending>()
        val auth = config.password?.let { pass -> pending(if (config.user != null) listOf("AUTH", config.user, pass) else listOf("AUTH", pass)) }
        auth?.let { batch += it }
        val name = config.clientName?.let { pending(listOf("CLIENT", "SETNAME", it)) }
        name?.let { batch += it }
        val select = if (config.db != 0) pending(listOf("SELECT", config.db)) else null
        select?.let { batch += it }
        val readOnly = if (config.readOnly) pending(listOf("READONLY")) else null
        readOnly?.let { batch += it }
        conn.protocol = 2
        if (batch.isEmpty()) return
        val replies = conn.exchange(batch)
        var i = 0
        if (auth != null) {
            val reply = replies[i++]
            if (reply is RespValue.Error) throw authFailure(reply)
        }
        if (name != null) {
            val reply = replies[i++]
            if (reply is RespValue.Error) throw RedisServerException(reply.code, "CLIENT SETNAME on $endpoint failed: ${reply.message}")
        }
        if (select != null) checkSelect(replies[i++])
        if (readOnly != null) checkReadOnly(replies[i])
    }

    private fun readHello(reply: RespValue) {
        val fields: List<Pair<RespValue, RespValue>> = when (reply) {
            is RespValue.Map -> reply.entries
            is RespValue.Array -> reply.elements.chunked(2).filter { it.size == 2 }.map { it[0] to it[1] }
            else -> emptyList()
        }
        for ((k, v) in fields) {
            when (text(k)) {
                "proto" -> (v as? RespValue.Integer)?.let { conn.protocol = it.value.toInt() }
                "id" -> (v as? RespValue.Integer)?.let { conn.clientId = it.value }
                "version" -> conn.serverVersion = text(v)
            }
        }
    }

    private fun checkSelect(reply: RespValue) {
        if (reply is RespValue.Error) {
            throw RedisServerException(reply.code, "SELECT ${config.db} on $endpoint failed: ${reply.message}")
        }
    }

    private fun checkReadOnly(reply: RespValue) {
        if (reply is RespValue.Error) {
            throw RedisServerException(reply.code, "READONLY on $endpoint failed (is it a cluster node?): ${reply.message}")
        }
    }

    private fun isMissingHello(e: RespValue.Error): Boolean =
        e.code == "NOPROTO" || (e.code == "ERR" && e.message.contains("unknown command", ignoreCase = true))

    private fun helloFailure(e: RespValue.Error): RedisServerException = when (e.code) {
        "WRONGPASS", "NOAUTH", "NOPERM" -> authFailure(e)
        else -> RedisServerException(e.code, "HELLO on $endpoint failed: ${e.message}")
    }

    private fun authFailure(e: RespValue.Error): RedisAuthException {
        val who = config.user ?: "default"
        val what = when {
            config.password == null -> "the server requires a password and none was configured"
            else -> "user '$who' was refused (wrong user name or password?)"
        }
        return RedisAuthException(e.code, "authentication to $endpoint failed: $what: ${e.message}")
    }

    private fun pending(args: List<Any>) = Pending(args, Duration.ZERO)

    private fun text(v: RespValue): String? = when (v) {
        is RespValue.BulkString -> v.asString()
        is RespValue.SimpleString -> v.value
        is RespValue.Verbatim -> v.text
        else -> null
    }

    companion object {
        const val LIB_NAME = "hivepool"
        val LIB_VERSION: String = Handshake::class.java.`package`?.implementationVersion ?: "0.1.0-SNAPSHOT"
    }
}
