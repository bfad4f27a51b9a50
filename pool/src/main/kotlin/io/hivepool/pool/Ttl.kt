package io.hivepool.pool

import kotlin.time.Duration

/** The maximum lifetime of a pooled connection, checked on release, on borrow and by the reaper. */
public sealed interface Ttl {
    /** Every connection lives [lifetime] (> 0) after its creation. */
    public data class Simple(public val lifetime: Duration) : Ttl

    /**
     * Each connection lives [min] + a random part of [0, [fuzz]), so connections created together do not
     * all expire (and reconnect) at the same moment. [min] > 0, [fuzz] >= 0.
     */
    public data class Fuzzy(public val min: Duration, public val fuzz: Duration) : Ttl

    /** Each connection serves exactly one lease and is destroyed when that lease ends. */
    public data object Once : Ttl
}

/** A [Ttl.Simple] of [lifetime]. */
public fun simple(lifetime: Duration): Ttl = Ttl.Simple(lifetime)

/** A [Ttl.Fuzzy]: each connection lives [min] plus a random part of [0, [fuzz]). */
public fun fuzzy(min: Duration, fuzz: Duration): Ttl = Ttl.Fuzzy(min, fuzz)

/** [Ttl.Once]: one lease per connection. */
public fun once(): Ttl = Ttl.Once
