package io.hivepool.redis.cluster.internal

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReferenceArray

/**
 * The slot map: which [Shard] serves each of the 16384 slots. Read without locks on every command (one array
 * read); written by a topology read ([apply], all slots) or by a MOVED reply ([moved], one slot). A reader may see
 * a slot map half old, half new during [apply]: either owner is one the cluster named recently, and a wrong
 * one answers MOVED.
 */
internal class Topology {
    private val owners = AtomicReferenceArray<Shard?>(SlotHash.SLOTS)
    private val suspects = ConcurrentHashMap.newKeySet<String>()
    private val next = AtomicInteger()

    /** The shards in slot order, as last read. */
    @Volatile
    var shards: List<Shard> = emptyList()
        private set

    @Volatile
    var isLoaded: Boolean = false
        private set

    fun owner(slot: Int): Shard? = owners.get(slot)

    /** Installs a topology read; returns every node in it (primaries and replicas). */
    fun apply(ranges: List<SlotRange>): Set<String> {
        val byPrimary = LinkedHashMap<String, Shard>()
        for (r in ranges.sortedBy { it.start }) byPrimary.putIfAbsent(r.shard.primary, r.shard)
        val fresh = arrayOfNulls<Shard>(SlotHash.SLOTS)
        for (r in ranges) {
            val shard = byPrimary.getValue(r.shard.primary)
            for (s in r.start..minOf(r.end, SlotHash.SLOTS - 1)) fresh[s] = shard
        }
        for (s in 0 until SlotHash.SLOTS) owners.set(s, fresh[s])
        shards = byPrimary.values.toList()
        isLoaded = true
        suspects.clear()
        return byPrimary.values.flatMapTo(HashSet()) { listOf(it.primary) + it.replicas }
    }

    /** A MOVED reply: [slot] is served by [node] now. */
    fun moved(slot: Int, node: String) {
        if (owners.get(slot)?.primary == node) return
        owners.set(slot, shards.firstOrNull { it.primary == node } ?: Shard(node, emptyList()))
    }

    /** [node] failed to answer: later topology reads ask it last. */
    fun suspect(node: String) {
        suspects.add(node)
    }

    /** Nodes to ask for the topology: every known node (rotated, so reads spread), then the seeds; suspects last. */
    fun candidates(seeds: List<String>): List<String> {
        val known = shards.flatMap { listOf(it.primary) + it.replicas }
        val rotated = if (known.isEmpty()) known else nextIndex(known.size).let { known.drop(it) + known.take(it) }
        val all = (rotated + seeds).distinct()
        return all.filter { it !in suspects } + all.filter { it in suspects }
    }

    /** A round-robin index below [n]. */
    fun nextIndex(n: Int): Int = (next.getAndIncrement() and Int.MAX_VALUE) % n
}
