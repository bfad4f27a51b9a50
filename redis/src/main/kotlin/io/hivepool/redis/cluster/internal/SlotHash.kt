package io.hivepool.redis.cluster.internal

/**
 * The hash slot of a key, as Redis Cluster computes it: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the
 * key modulo 16384. When the key holds a non-empty hash tag (`{…}`: the bytes between the first `{` and the first
 * `}` after it), only the tag is hashed, so `{user1000}.following` and `{user1000}.followers` share a slot.
 */
internal object SlotHash {
    const val SLOTS: Int = 16384

    private val TABLE = IntArray(256) { i ->
        var crc = i shl 8
        repeat(8) { crc = if (crc and 0x8000 != 0) (crc shl 1) xor 0x1021 else crc shl 1 }
        crc and 0xFFFF
    }

    fun slotOf(key: String): Int = slotOf(key.encodeToByteArray())

    fun slotOf(key: ByteArray): Int {
        var from = 0
        var to = key.size
        val open = key.indexOf('{'.code.toByte())
        if (open >= 0) {
            var close = -1
            for (i in open + 1 until key.size) if (key[i] == '}'.code.toByte()) { close = i; break }
            if (close > open + 1) { from = open + 1; to = close } // "{}" (empty tag) hashes the whole key
        }
        return crc16(key, from, to) and (SLOTS - 1)
    }

    /** The slot of a command argument used as a key: a String (UTF-8), a ByteArray, or anything else as text. */
    fun slotOfArg(arg: Any): Int = when (arg) {
        is ByteArray -> slotOf(arg)
        else -> slotOf(arg.toString())
    }

    fun crc16(bytes: ByteArray, from: Int = 0, to: Int = bytes.size): Int {
        var crc = 0
        for (i in from until to) crc = ((crc shl 8) xor TABLE[((crc ushr 8) xor (bytes[i].toInt() and 0xFF)) and 0xFF]) and 0xFFFF
        return crc
    }
}
