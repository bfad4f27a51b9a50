package io.hivepool.redis.internal.resp

import io.hivepool.redis.RespValue
import io.kotest.property.Arb
import io.kotest.property.arbitrary.arbitrary
import java.math.BigInteger
import kotlin.random.Random

/** Random RESP values of every type, nested up to [maxDepth] aggregates deep. */
internal fun Arb.Companion.respValue(maxDepth: Int = 3): Arb<RespValue> = arbitrary { rs -> randomValue(rs.random, maxDepth) }

internal fun randomValue(r: Random, depth: Int): RespValue {
    val kinds = if (depth == 0) 11 else 15
    return when (r.nextInt(kinds)) {
        0 -> RespValue.SimpleString(randomLine(r))
        1 -> RespValue.SimpleError("ERR " + randomLine(r))
        2 -> RespValue.Integer(if (r.nextBoolean()) r.nextLong() else r.nextLong(-1000, 1000))
        3 -> RespValue.BulkString(r.nextBytes(r.nextInt(0, if (r.nextInt(10) == 0) 70_000 else 40)))
        4 -> RespValue.Null
        5 -> RespValue.Double(
            when (r.nextInt(6)) {
                0 -> Double.POSITIVE_INFINITY
                1 -> Double.NEGATIVE_INFINITY
                2 -> Double.NaN
                3 -> r.nextLong(-1_000_000, 1_000_000).toDouble()
                else -> (r.nextDouble() - 0.5) * Math.pow(10.0, r.nextInt(-20, 20).toDouble())
            },
        )
        6 -> RespValue.Boolean(r.nextBoolean())
        7 -> RespValue.BigNumber(BigInteger(r.nextInt(1, 200), java.util.Random(r.nextLong())).let { if (r.nextBoolean()) it.negate() else it })
        8 -> RespValue.Verbatim(if (r.nextBoolean()) "txt" else "mkd", randomText(r) + "\r\n" + randomText(r))
        9 -> RespValue.BulkError("SYNTAX " + randomText(r) + "\r\n" + randomText(r))
        10 -> RespValue.BulkString(byteArrayOf('\r'.code.toByte(), '\n'.code.toByte(), 0, '$'.code.toByte(), '*'.code.toByte()))
        11 -> RespValue.Array(List(r.nextInt(0, 5)) { randomValue(r, depth - 1) })
        12 -> RespValue.Set(List(r.nextInt(0, 5)) { randomValue(r, depth - 1) })
        13 -> RespValue.Map(List(r.nextInt(0, 4)) { randomValue(r, depth - 1) to randomValue(r, depth - 1) })
        else -> RespValue.Push(List(r.nextInt(1, 5)) { randomValue(r, depth - 1) })
    }
}

/** Text without CR or LF, as simple strings and errors require. */
private fun randomLine(r: Random): String = randomText(r).replace("\r", "").replace("\n", "")

private fun randomText(r: Random): String {
    val alphabet = "abcXYZ019 _-:+\$*é中\uD83D\uDE00"
    return buildString { repeat(r.nextInt(0, 12)) { append(alphabet.codePoints().toArray().let { cps -> String(Character.toChars(cps[r.nextInt(cps.size)])) }) } }
}
