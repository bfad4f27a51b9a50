package io.hivepool.redis.internal

import io.hivepool.redis.ScanPage
import java.util.concurrent.CompletableFuture

/** A SCAN-family walk for Java: pages fetched one at a time with [fetch], blocking in [Iterator.hasNext]. */
internal class PagedScan(private val fetch: (cursor: String) -> CompletableFuture<ScanPage>) {
    fun iterator(): Iterator<String> = object : Iterator<String> {
        private var page: Iterator<String> = emptyList<String>().iterator()
        private var cursor: String? = "0" // null once the last page was fetched

        override fun hasNext(): Boolean {
            while (!page.hasNext()) {
                val c = cursor ?: return false
                val next = fetch(c).join()
                page = next.items.iterator()
                cursor = if (next.isLast) null else next.cursor
            }
            return true
        }

        override fun next(): String {
            if (!hasNext()) throw NoSuchElementException("the scan has no more items")
            return page.next()
        }
    }
}
