package io.hivepool.redis

import io.hivepool.redis.internal.Replies

/**
 * One message received by [RedisPool.subscribe] or [RedisPool.psubscribe].
 *
 * @property channel the channel it was published to
 * @property pattern the pattern that matched it (psubscribe), null for a plain subscription
 * @property payloadBytes the payload as sent (binary safe)
 */
public class PubSubMessage(
    public val channel: String,
    public val pattern: String?,
    public val payloadBytes: ByteArray,
) {
    /** The payload decoded as UTF-8. */
    public val payload: String get() = payloadBytes.decodeToString()

    override fun equals(other: Any?): Boolean =
        other is PubSubMessage && channel == other.channel && pattern == other.pattern && payloadBytes.contentEquals(other.payloadBytes)

    override fun hashCode(): Int = (channel.hashCode() * 31 + (pattern?.hashCode() ?: 0)) * 31 + payloadBytes.contentHashCode()

    override fun toString(): String = "PubSubMessage(channel=$channel, pattern=$pattern, payload=$payload)"
}

/** `PUBLISH channel message`: how many subscribers received it. A pool-level command. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.publish(channel: String, message: String): Long =
    send(Command(listOf("PUBLISH", channel, message), decode = Replies::long))

/** `PUBLISH` with a binary payload. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.publish(channel: String, message: ByteArray): Long =
    send(Command(listOf("PUBLISH", channel, message), decode = Replies::long))

/** `PUBSUB NUMSUB channel…`: subscribers per channel. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pubsubNumsub(vararg channels: String): Map<String, Long> =
    send(Command(listOf("PUBSUB", "NUMSUB", *channels)) { r -> Replies.pairs(r).associate { (k, v) -> Replies.string(k) to Replies.long(v) } })

/** `PUBSUB NUMPAT`: patterns subscribed to by all clients. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pubsubNumpat(): Long = send(Command(listOf("PUBSUB", "NUMPAT"), decode = Replies::long))
