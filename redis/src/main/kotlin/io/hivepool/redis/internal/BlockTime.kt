package io.hivepool.redis.internal

import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * How long the server may hold back the reply to [args] because the command blocks: the block time written in
 * the arguments of BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP, XREAD/XREADGROUP with
 * BLOCK, WAIT and WAITAOF; [Duration.INFINITE] for their 0 (block forever); [Duration.ZERO] for every other
 * command and for a block time the server will refuse anyway (not a number, negative).
 *
 * Runs for every [io.hivepool.redis.Command] built: a command whose name cannot be a blocking one costs one
 * character test.
 */
internal fun blockTimeOf(args: List<Any>): Duration {
    val first = args[0]
    val head = when (first) {
        is String -> first.firstOrNull()
        is ByteArray -> first.firstOrNull()?.toInt()?.toChar()
        else -> null
    } ?: return Duration.ZERO
    if (head.uppercaseChar() !in "BXW") return Duration.ZERO
    return when (argText(first).uppercase()) {
        "BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX", "BRPOPLPUSH", "BLMOVE" -> blockSeconds(args.last(), args.size >= 3)
        "BLMPOP", "BZMPOP" -> blockSeconds(args.getOrNull(1), args.size >= 2)
        "WAIT" -> blockMillis(args.getOrNull(2))
        "WAITAOF" -> blockMillis(args.getOrNull(3))
        "XREAD" -> streamBlock(args, from = 1)
        "XREADGROUP" -> streamBlock(args, from = 4) // after GROUP group consumer, which may be named BLOCK
        else -> Duration.ZERO
    }
}

/** XREAD's options before STREAMS (after it come keys, which may be named BLOCK). */
private fun streamBlock(args: List<Any>, from: Int): Duration {
    var i = from
    while (i < args.size) {
        when (argText(args[i]).uppercase()) {
            "STREAMS" -> return Duration.ZERO
            "BLOCK" -> return blockMillis(args.getOrNull(i + 1))
            "COUNT" -> i += 2
            else -> i++
        }
    }
    return Duration.ZERO
}

/** Redis's timeout in (fractional) seconds: `1.5`, `0` = forever, `inf` too. */
private fun blockSeconds(arg: Any?, present: Boolean): Duration {
    if (!present || arg == null) return Duration.ZERO
    val text = argText(arg).trim()
    if (text.equals("inf", true) || text.equals("+inf", true)) return Duration.INFINITE
    val value = text.toDoubleOrNull() ?: return Duration.ZERO
    return when {
        !value.isFinite() || value < 0 -> Duration.ZERO
        value == 0.0 -> Duration.INFINITE
        else -> value.seconds
    }
}

/** A timeout in whole milliseconds (XREAD BLOCK, WAIT, WAITAOF), `0` = forever. */
private fun blockMillis(arg: Any?): Duration {
    val value = arg?.let { argText(it).trim().toLongOrNull() } ?: return Duration.ZERO
    return when {
        value < 0 -> Duration.ZERO
        value == 0L -> Duration.INFINITE
        else -> value.milliseconds
    }
}
