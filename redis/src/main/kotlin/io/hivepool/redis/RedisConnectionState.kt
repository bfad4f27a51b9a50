package io.hivepool.redis

/**
 * A snapshot of the per-connection server state that makes a connection unsafe to hand to someone else.
 * Updated as replies arrive (as commands are written, for [blockingCommandsInFlight] and [replyMode]).
 *
 * @property db the database currently selected
 * @property inTransaction MULTI was answered and no EXEC/DISCARD yet
 * @property watching WATCH is active (cleared by EXEC, DISCARD, UNWATCH)
 * @property subscribed a SUBSCRIBE, PSUBSCRIBE or SSUBSCRIBE was sent
 * @property replyMode `ON`, `OFF` or `SKIP`, as set by CLIENT REPLY
 * @property tracking CLIENT TRACKING is on
 * @property blockingCommandsInFlight blocking commands (BLPOP, XREAD BLOCK, WAIT, ...) written but not yet answered
 */
public data class RedisConnectionState(
    val db: Int,
    val inTransaction: Boolean,
    val watching: Boolean,
    val subscribed: Boolean,
    val replyMode: String,
    val tracking: Boolean,
    val blockingCommandsInFlight: Int,
)
