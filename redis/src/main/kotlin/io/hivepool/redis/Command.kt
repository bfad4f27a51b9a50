package io.hivepool.redis

import java.util.function.Function
import kotlin.time.Duration
import kotlin.time.toKotlinDuration

/**
 * One Redis command: its arguments and how to turn the reply into an [R].
 *
 * Arguments are sent as bulk strings: [ByteArray] as is, [String] as UTF-8, numbers as decimal text.
 * [decode] never sees an error reply (those become [RedisServerException] before it runs) and must accept both
 * the RESP2 and the RESP3 shape of the reply.
 *
 * Typed commands are built by the factory objects ([StringCommands], [KeyCommands], [HashCommands], …), which
 * Java can call too; from Java, build any other command with [Command.of].
 *
 * @property args the command name and its arguments, e.g. `listOf("SET", key, value)`
 * @property decode turns the reply into the result; throw [RedisUnexpectedReplyException] for a shape it cannot read
 * @property blockFor how long the server may legitimately hold the reply back (BLPOP's timeout);
 *   the reply deadline is this plus `commandTimeout`. [Duration.INFINITE] means no deadline.
 */
public class Command<out R>(
    public val args: List<Any>,
    public val blockFor: Duration = Duration.ZERO,
    public val decode: (RespValue) -> R,
) {
    init {
        require(args.isNotEmpty()) { "a command needs at least its name" }
    }

    /** The command name, e.g. `GET` (with the subcommand for container commands such as `CLIENT SETNAME`). */
    public val name: String
        get() {
            val first = args[0].let { if (it is ByteArray) it.decodeToString() else it.toString() }.uppercase()
            val second = args.getOrNull(1)
            return if (first in CONTAINERS && second is String) "$first ${second.uppercase()}" else first
        }

    /** The command name only: arguments may hold secrets (AUTH, HELLO) or be large. */
    override fun toString(): String = "Command($name)"

    /** Java's constructors (the primary one takes a Kotlin `Duration`, which Java cannot call). */
    public companion object {
        /** `Command.of(List.of("LLEN", "q"), reply -> …)`: a command whose reply comes without delay. */
        @JvmStatic
        public fun <R> of(args: List<Any>, decode: Function<RespValue, R>): Command<R> = Command(args, decode = decode::apply)

        /** A command the server may hold back for up to [blockFor] (a blocking command; see [Command.blockFor]). */
        @JvmStatic
        public fun <R> of(args: List<Any>, blockFor: java.time.Duration, decode: Function<RespValue, R>): Command<R> =
            Command(args, blockFor.toKotlinDuration(), decode::apply)
    }
}

private val CONTAINERS = setOf("CLIENT", "CONFIG", "ACL", "OBJECT", "MEMORY", "SCRIPT", "FUNCTION", "XINFO", "CLUSTER", "COMMAND")

/**
 * The one primitive every command goes through. A connection implements it; so will the pool's shared path,
 * pipelines and transactions. Typed commands (`get`, `set`, `zrange`, ...) are extension functions on this
 * interface, written once for all of them.
 */
public interface RedisCommands {
    /**
     * Sends [command] and returns its decoded reply.
     *
     * Cancellable: a command cancelled before it was written is never sent; one cancelled after is left to
     * finish, its reply is read and dropped, and the connection stays usable.
     *
     * @throws RedisServerException the server answered with an error (the connection stays usable)
     * @throws RedisConnectionException the connection failed or was closed ([RedisTimeoutException] when the
     *   reply did not come within the command timeout, [RedisProtocolException] on a malformed reply)
     */
    public suspend fun <R> send(command: Command<R>): R
}

/** The reply had a shape the command's decoder does not understand; the connection stays usable. */
public class RedisUnexpectedReplyException(message: String) : RedisException(message)
