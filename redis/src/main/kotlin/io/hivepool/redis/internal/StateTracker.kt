package io.hivepool.redis.internal

import io.hivepool.redis.RedisConnectionState
import io.hivepool.redis.RespValue

/** What a command does to the connection's server-side state. */
internal enum class Effect { SELECT, MULTI, END_TRANSACTION, WATCH, UNWATCH, PUBSUB, CLIENT_REPLY, CLIENT_TRACKING, RESET, BLOCKING }

/** The effect of the command [args], or null for the (common) command that changes nothing we track. */
internal fun effectOf(args: List<Any>): Effect? {
    val name = argText(args[0])
    val effect = EFFECTS[name] ?: if (name.any { it.isLowerCase() }) EFFECTS[name.uppercase()] else null
    return when (effect) {
        null -> null
        Effect.CLIENT_REPLY -> when (args.getOrNull(1)?.let(::argText)?.uppercase()) {
            "REPLY" -> Effect.CLIENT_REPLY
            "TRACKING" -> Effect.CLIENT_TRACKING
            else -> null
        }
        Effect.WATCH -> if (name.equals("XREAD", true) || name.equals("XREADGROUP", true)) {
            if (args.any { it is String && it.equals("BLOCK", ignoreCase = true) }) Effect.BLOCKING else null
        } else {
            Effect.WATCH
        }
        else -> effect
    }
}

internal fun argText(arg: Any): String = if (arg is ByteArray) arg.decodeToString() else arg.toString()

private val EFFECTS: Map<String, Effect> = buildMap {
    put("SELECT", Effect.SELECT)
    put("MULTI", Effect.MULTI)
    put("EXEC", Effect.END_TRANSACTION)
    put("DISCARD", Effect.END_TRANSACTION)
    put("WATCH", Effect.WATCH)
    put("UNWATCH", Effect.UNWATCH)
    put("RESET", Effect.RESET)
    put("CLIENT", Effect.CLIENT_REPLY) // refined by the subcommand in effectOf
    put("XREAD", Effect.WATCH) // refined: blocking only with BLOCK
    put("XREADGROUP", Effect.WATCH)
    for (c in listOf("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE")) put(c, Effect.PUBSUB)
    for (c in listOf("BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF")) {
        put(c, Effect.BLOCKING)
    }
}

/**
 * The server-side state of one connection, as far as the commands sent on it tell. Not thread-safe: the
 * connection calls it under its lock, [onWrite] in write order and [onReply] in reply order.
 */
internal class StateTracker(private val configuredDb: Int) {
    private var db = configuredDb
    private var inTransaction = false
    private var watching = false
    private var subscribed = false
    private var replyMode = "ON"
    private var tracking = false
    private var blocking = 0

    val isDirty: Boolean
        get() = db != configuredDb || inTransaction || watching || subscribed || replyMode != "ON" || tracking || blocking > 0

    val isSubscribed: Boolean get() = subscribed
    val blockingInFlight: Int get() = blocking

    fun snapshot() = RedisConnectionState(db, inTransaction, watching, subscribed, replyMode, tracking, blocking)

    /** Called as [args] is written; returns whether the server will answer it through the reply stream. */
    fun onWrite(effect: Effect?, args: List<Any>, protocol: Int): Boolean {
        when (effect) {
            Effect.CLIENT_REPLY -> return when (args.getOrNull(2)?.let(::argText)?.uppercase()) {
                "OFF" -> { replyMode = "OFF"; false }
                "SKIP" -> { if (replyMode == "ON") replyMode = "SKIP"; false }
                else -> { replyMode = "ON"; true }
            }
            Effect.RESET -> { replyMode = "ON"; return true }
            else -> {}
        }
        val answered = when (replyMode) {
            "OFF" -> false
            "SKIP" -> { replyMode = "ON"; false }
            else -> true
        }
        if (effect == Effect.PUBSUB) {
            subscribed = true
            // RESP3 confirms (un)subscriptions with push frames; RESP2 with arrays the reader routes as pushes.
            return false
        }
        if (effect == Effect.BLOCKING && answered) blocking++
        return answered
    }

    /** Called with the reply to a command [onWrite] said would be answered. */
    fun onReply(effect: Effect?, args: List<Any>, reply: RespValue) {
        if (effect == null) return
        if (effect == Effect.BLOCKING) blocking--
        if (reply is RespValue.Error) {
            if (effect == Effect.END_TRANSACTION) { inTransaction = false; watching = false }
            return
        }
        if (inTransaction && reply == QUEUED) {
            if (effect == Effect.SELECT) db = -1 // applied at EXEC: unknown until then, so dirty
            return
        }
        when (effect) {
            Effect.SELECT -> db = args.getOrNull(1)?.let(::argText)?.toIntOrNull() ?: -1
            Effect.MULTI -> inTransaction = true
            Effect.END_TRANSACTION -> { inTransaction = false; watching = false }
            Effect.WATCH -> watching = true
            Effect.UNWATCH -> watching = false
            Effect.CLIENT_TRACKING -> tracking = args.getOrNull(2)?.let(::argText).equals("ON", ignoreCase = true)
            Effect.RESET -> {
                db = 0; inTransaction = false; watching = false; subscribed = false; replyMode = "ON"; tracking = false
            }
            else -> {}
        }
    }

    private companion object {
        val QUEUED = RespValue.SimpleString("QUEUED")
    }
}
