package io.hivepool.benchmarks.load

import com.sun.management.GarbageCollectionNotificationInfo
import redis.clients.jedis.Jedis
import java.lang.management.ManagementFactory
import java.util.Locale
import java.util.concurrent.atomic.AtomicLong
import javax.management.NotificationEmitter
import javax.management.NotificationListener
import javax.management.openmbean.CompositeData

/**
 * What one client's run (warm-up included) cost, per command the server processed (`--diagnostics`):
 *
 * - server side, from `INFO stats`: commands per read event (`total_reads_processed`: how many commands each
 *   flush from the clients carried, i.e. how well they pipeline) and write events per command;
 * - this JVM: CPU time (every thread, the clients' and the libraries') and bytes allocated (heap growth plus
 *   what each GC freed, so threads that ended during the run count too) per command, and context switches
 *   of its live threads per command (a proxy for thread hand-offs).
 *
 * The JVM figures mean nothing for `redis-benchmark`, a child process. Taken outside the measured phase; the
 * GC listener costs nothing on the hot path.
 */
class RunCost private constructor(private val target: RedisTarget) {
    private val server0 = serverStats(target)
    private val cpu0 = processCpuNanos()
    private val heap0 = heapUsed()
    private val switches0 = contextSwitches()
    private val freedByGc = AtomicLong()
    private val gcCount = AtomicLong()
    private val listener = NotificationListener { notification, _ ->
        if (notification.type == GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION) {
            val info = GarbageCollectionNotificationInfo.from(notification.userData as CompositeData).gcInfo
            val before = info.memoryUsageBeforeGc.values.sumOf { it.used }
            val after = info.memoryUsageAfterGc.values.sumOf { it.used }
            freedByGc.addAndGet(before - after)
            gcCount.incrementAndGet()
        }
    }

    init {
        ManagementFactory.getGarbageCollectorMXBeans().forEach { (it as NotificationEmitter).addNotificationListener(listener, null, null) }
    }

    /** Stops counting and describes the cost per command. */
    fun finish(): String {
        val cpu = processCpuNanos() - cpu0
        val allocated = heapUsed() - heap0 + freedByGc.get()
        val switches = contextSwitches() - switches0
        ManagementFactory.getGarbageCollectorMXBeans().forEach { runCatching { (it as NotificationEmitter).removeNotificationListener(listener) } }
        val server = serverStats(target)
        val commands = (server.getValue("total_commands_processed") - server0.getValue("total_commands_processed") - 1).coerceAtLeast(1)
        val reads = server.getValue("total_reads_processed") - server0.getValue("total_reads_processed")
        val writes = server.getValue("total_writes_processed") - server0.getValue("total_writes_processed")
        return String.format(
            Locale.ROOT,
            "%d commands; server: %.2f commands/read, %.2f writes/command; JVM: %.1f µs CPU/command, %.0f B allocated/command, " +
                "%.2f context switches/command, %d GCs",
            commands, commands.toDouble() / reads.coerceAtLeast(1), writes.toDouble() / commands,
            cpu / 1e3 / commands, allocated.toDouble() / commands, switches.toDouble() / commands, gcCount.get(),
        )
    }

    companion object {
        /** Starts counting now. Blocking (one INFO round trip). */
        fun start(target: RedisTarget): RunCost = RunCost(target)

        /** `INFO stats` counters, summed over every node of a cluster. */
        private fun serverStats(target: RedisTarget): Map<String, Long> {
            val nodes = if (target.isCluster) ClusterClients.nodes(target) else listOf(target.javaUri)
            val sums = HashMap<String, Long>()
            for (node in nodes) {
                Jedis(node).use { jedis ->
                    jedis.info("stats").lines().forEach { line ->
                        val (k, v) = line.trim().split(':', limit = 2).takeIf { it.size == 2 } ?: return@forEach
                        v.toLongOrNull()?.let { sums.merge(k, it, Long::plus) }
                    }
                }
            }
            return sums
        }

        private fun processCpuNanos(): Long =
            (ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean).processCpuTime

        /**
         * Voluntary + involuntary context switches of this JVM's live threads (Linux `/proc/self/task`; 0
         * elsewhere): a proxy for thread hand-offs (dispatches that wake a parked thread). Threads that ended
         * during the run are not counted, so it under-counts clients whose caller threads end (the blocking ones).
         */
        private fun contextSwitches(): Long {
            val tasks = java.io.File("/proc/self/task").listFiles() ?: return 0
            return tasks.sumOf { task ->
                runCatching {
                    java.io.File(task, "status").readLines()
                        .filter { it.startsWith("voluntary_ctxt_switches") || it.startsWith("nonvoluntary_ctxt_switches") }
                        .sumOf { it.substringAfter(':').trim().toLong() }
                }.getOrDefault(0L)
            }
        }

        private fun heapUsed(): Long = ManagementFactory.getMemoryMXBean().heapMemoryUsage.used
    }
}
