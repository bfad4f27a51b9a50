package io.hivepool.redis

import io.hivepool.redis.internal.PagedScan
import java.util.AbstractMap
import java.util.concurrent.CompletableFuture

/**
 * SCAN, HSCAN and SSCAN for Java, as [Iterable]s: each `iterator()` walks from cursor 0, fetching one page per
 * round trip (through [send] and the page commands [KeyCommands.scan], [HashCommands.hscan], [SetCommands.sscan])
 * when the previous page is used up. `hasNext()` blocks the calling thread while a page is on its way, so do not
 * iterate on the thread that completes futures (inside a stage chained without an executor); a failed page
 * throws the `CompletionException` of `join()`. Items may repeat, and items changed during the walk may be
 * missed, as SCAN guarantees. For non-blocking walks send the page commands yourself.
 */
public interface FutureScanCommands {
    /** Sends any [command]; the future completes with its decoded reply. */
    public fun <R> send(command: Command<R>): CompletableFuture<R>

    /** Every key matching [match] (null = all) of [type] (null = any); [count] is a per-page hint (null = server default). */
    public fun scan(match: String?, count: Int?, type: String?): Iterable<String> =
        Iterable { PagedScan { cursor -> send(KeyCommands.scan(cursor, match, count, type)) }.iterator() }

    /** Every field and value of the hash [key] whose field matches [match] (null = all). */
    public fun hscan(key: String, match: String?, count: Int?): Iterable<Map.Entry<String, String>> = Iterable {
        val items = PagedScan { cursor -> send(HashCommands.hscan(key, cursor, match, count)) }.iterator()
        object : Iterator<Map.Entry<String, String>> {
            override fun hasNext(): Boolean = items.hasNext()
            override fun next(): Map.Entry<String, String> = AbstractMap.SimpleImmutableEntry(items.next(), items.next())
        }
    }

    /** Every member of the set [key] matching [match] (null = all). */
    public fun sscan(key: String, match: String?, count: Int?): Iterable<String> =
        Iterable { PagedScan { cursor -> send(SetCommands.sscan(key, cursor, match, count)) }.iterator() }
}
