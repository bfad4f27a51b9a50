package io.hivepool.testing.internal

/**
 * One node's view of the cluster, parsed from `CLUSTER NODES`:
 * `<id> <ip:port@cport> <flags> <master-id|-> <ping> <pong> <epoch> <link> <slot-or-range>...`.
 */
internal class ClusterNodesView(val entries: List<Entry>) {
    class Entry(
        val id: String,
        val port: Int,
        val flags: Set<String>,
        val masterId: String?,
        /** Slot ranges owned (inclusive), migrating/importing markers (`[...]`) left out. */
        val slots: List<IntRange>,
    ) {
        val isPrimary: Boolean get() = "master" in flags
        val isFailed: Boolean get() = "fail" in flags
        val isMyself: Boolean get() = "myself" in flags
    }

    val myself: Entry get() = entries.single { it.isMyself }

    /** True while a node is still being met (`handshake`) or has no address yet (`noaddr`). */
    val settling: Boolean get() = entries.any { "handshake" in it.flags || "noaddr" in it.flags }

    /**
     * What every healthy node must agree on: who is primary of which slots, who replicates whom, who is failed.
     * `pfail` is a node's own suspicion and is left out.
     */
    fun signature(): String = entries.sortedBy { it.id }.joinToString(";") { e ->
        val role = if (e.isPrimary) "P" else "R<${e.masterId}"
        "${e.id}:$role:${if (e.isFailed) "fail" else "ok"}:${e.slots.joinToString(",") { "${it.first}-${it.last}" }}"
    }

    fun byPort(port: Int): Entry? = entries.firstOrNull { it.port == port && !("noaddr" in it.flags) }

    fun ownerOf(slot: Int): Entry? = entries.firstOrNull { e -> e.isPrimary && !e.isFailed && e.slots.any { slot in it } }

    companion object {
        fun parse(text: String): ClusterNodesView = ClusterNodesView(
            text.lineSequence().map { it.trim() }.filter { it.isNotEmpty() }.map { line ->
                val f = line.split(' ')
                val address = f[1].substringBefore('@')
                Entry(
                    id = f[0],
                    port = address.substringAfterLast(':').toIntOrNull() ?: 0,
                    flags = f[2].split(',').toSet(),
                    masterId = f[3].takeIf { it != "-" },
                    slots = f.drop(8).filter { !it.startsWith("[") }.map { s ->
                        val a = s.substringBefore('-').toInt()
                        a..(s.substringAfter('-', s).toInt())
                    },
                )
            }.toList(),
        )
    }
}
