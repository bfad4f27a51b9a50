package io.hivepool.redis.cluster

import io.hivepool.redis.RedisException

/**
 * The cluster client could not run a command: no node serves its slot, or it was redirected more than
 * [RedisClusterConfig.maxRedirects] times. The last error from a node, if any, is the cause.
 */
public open class RedisClusterException(message: String, cause: Throwable? = null) : RedisException(message, cause)

/**
 * The keys of one multi-key command (or one transaction) hash to different slots; nothing was sent. Put the keys
 * in one slot with a hash tag: `{user1}.a` and `{user1}.b` share the slot of `user1`.
 *
 * @property command the command's name, e.g. `MGET`
 * @property slots the slots of the keys, each with the first key that hashed to it
 */
public class RedisCrossSlotException(
    public val command: String,
    public val slots: Map<Int, String>,
) : RedisClusterException(
    "$command: keys in different slots (${slots.entries.joinToString { "${it.value} -> ${it.key}" }}); in a cluster all " +
        "keys of one command must share a slot: give them a common hash tag, e.g. {user1}.a and {user1}.b",
)
