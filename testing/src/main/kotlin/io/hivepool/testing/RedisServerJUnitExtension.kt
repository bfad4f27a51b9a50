package io.hivepool.testing

import org.junit.jupiter.api.extension.AfterAllCallback
import org.junit.jupiter.api.extension.BeforeAllCallback
import org.junit.jupiter.api.extension.ExtensionContext
import java.util.function.Consumer

/**
 * JUnit 5 extension giving a test class its own [RedisServer], started before all tests and closed
 * after them:
 *
 * ```java
 * @RegisterExtension
 * static RedisServerJUnitExtension redis = new RedisServerJUnitExtension(options -> options.setPassword("secret"));
 * ...
 * redis.getServer().getUri();
 * ```
 *
 * Register it on a static field: on an instance field JUnit creates it per test and never calls
 * `beforeAll`. `@Nested` classes share the outer class's server.
 */
public class RedisServerJUnitExtension(
    private val configure: RedisServerOptions.() -> Unit,
) : BeforeAllCallback, AfterAllCallback {
    private var started: RedisServer? = null // guarded by this
    private var owner: String? = null // guarded by this: unique id of the context that started the server

    /** A server with default options. */
    public constructor() : this({})

    /** For Java: `new RedisServerJUnitExtension(options -> options.setPassword("secret"))`. */
    public constructor(configure: Consumer<RedisServerOptions>) : this({ configure.accept(this) })

    /** The class's server; throws [IllegalStateException] before `beforeAll` or after `afterAll`. */
    public val server: RedisServer
        @Synchronized get() = started ?: throw IllegalStateException(
            "no Redis server: register RedisServerJUnitExtension on a static field with @RegisterExtension, " +
                "and use it only while the test class runs",
        )

    /** Starts the server, unless an enclosing class's `beforeAll` already did. */
    @Synchronized
    override fun beforeAll(context: ExtensionContext) {
        if (started != null) return
        started = RedisServer.start(configure)
        owner = context.uniqueId
    }

    /** Closes the server when the class that started it is done. */
    @Synchronized
    override fun afterAll(context: ExtensionContext) {
        if (context.uniqueId != owner) return
        started?.close()
        started = null
        owner = null
    }
}
