package io.hivepool.redis

import io.hivepool.redis.internal.Replies
import java.util.concurrent.CompletableFuture

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

/** The pub/sub commands that need no subscription, as values (see [StringCommands] for how the faces use them). */
public object PubSubCommands {
    /** `PUBLISH channel message`: how many subscribers received it. */
    @JvmStatic
    public fun publish(channel: String, message: String): Command<Long> = Command(listOf("PUBLISH", channel, message), decode = Replies::long)

    /** `PUBLISH` with a binary payload. */
    @JvmStatic
    public fun publish(channel: String, message: ByteArray): Command<Long> = Command(listOf("PUBLISH", channel, message), decode = Replies::long)

    /**
     * `SPUBLISH channel message` (Redis 7+): publishes to a shard channel, heard only by the subscribers of the
     * shard serving the channel's slot (a cluster client sends it there). How many of them received it.
     */
    @JvmStatic
    public fun spublish(channel: String, message: String): Command<Long> = Command(listOf("SPUBLISH", channel, message), decode = Replies::long)

    /** `SPUBLISH` with a binary payload. */
    @JvmStatic
    public fun spublish(channel: String, message: ByteArray): Command<Long> = Command(listOf("SPUBLISH", channel, message), decode = Replies::long)

    /** `PUBSUB NUMSUB channel…`: subscribers per channel. */
    @JvmStatic
    public fun pubsubNumsub(vararg channels: String): Command<Map<String, Long>> =
        Command(listOf("PUBSUB", "NUMSUB", *channels)) { r -> Replies.pairs(r).associate { (k, v) -> Replies.string(k) to Replies.long(v) } }

    /** `PUBSUB NUMPAT`: patterns subscribed to by all clients. */
    @JvmStatic
    public fun pubsubNumpat(): Command<Long> = Command(listOf("PUBSUB", "NUMPAT"), decode = Replies::long)
}

/** `PUBLISH channel message`: how many subscribers received it. A pool-level command. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.publish(channel: String, message: String): Long = send(PubSubCommands.publish(channel, message))

/** `PUBLISH` with a binary payload. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.publish(channel: String, message: ByteArray): Long = send(PubSubCommands.publish(channel, message))

/**
 * `SPUBLISH channel message` (Redis 7+, sharded pub/sub): how many subscribers of the channel's shard received it.
 * On a [io.hivepool.redis.cluster.RedisClusterPool] it goes to the primary serving the channel's slot.
 * Cancellable as [RedisCommands.send].
 */
public suspend fun RedisCommands.spublish(channel: String, message: String): Long = send(PubSubCommands.spublish(channel, message))

/** `SPUBLISH` with a binary payload. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.spublish(channel: String, message: ByteArray): Long = send(PubSubCommands.spublish(channel, message))

/** `PUBSUB NUMSUB channel…`: subscribers per channel. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pubsubNumsub(vararg channels: String): Map<String, Long> = send(PubSubCommands.pubsubNumsub(*channels))

/** `PUBSUB NUMPAT`: patterns subscribed to by all clients. Cancellable as [RedisCommands.send]. */
public suspend fun RedisCommands.pubsubNumpat(): Long = send(PubSubCommands.pubsubNumpat())

/** The Java face of [PubSubCommands] (see [FutureStringCommands]); subscribing is [FutureRedisPool.subscribe]. */
public interface FuturePubSubCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** `PUBLISH channel message`: how many subscribers got it. */
    public fun publish(channel: String, message: String): CompletableFuture<Long> = send(PubSubCommands.publish(channel, message))

    /** `SPUBLISH channel message` (Redis 7+): how many subscribers of the channel's shard got it. */
    public fun spublish(channel: String, message: String): CompletableFuture<Long> = send(PubSubCommands.spublish(channel, message))

    /** `PUBSUB NUMSUB channel…`. */
    public fun pubsubNumsub(vararg channels: String): CompletableFuture<Map<String, Long>> = send(PubSubCommands.pubsubNumsub(*channels))

    /** `PUBSUB NUMPAT`. */
    public fun pubsubNumpat(): CompletableFuture<Long> = send(PubSubCommands.pubsubNumpat())
}
