package io.hivepool.benchmarks.load

import kotlin.system.exitProcess
import kotlin.time.Duration.Companion.seconds
import kotlin.time.DurationUnit

/**
 * The end-to-end closed-loop load generator of DESIGN §5. For each concurrency C and each selected client:
 * C callers issue GET on 10,000 pre-loaded keys of 64-byte values, each awaiting its reply before the next;
 * one JSON line per run on stdout, progress on stderr. The Redis under test is `REDIS_URL`, else a local
 * server started for the run; with `--target cluster`, `REDIS_CLUSTER_URL`, else a local 3-primary cluster.
 * See benchmarks/README.md for the command.
 */
fun main(args: Array<String>) {
    // stdout carries only the JSON lines; kotlin-logging would otherwise announce itself there
    System.setProperty("kotlin-logging.logStartupMessage", "false")
    val options = try {
        LoadOptions.parse(args)
    } catch (e: IllegalArgumentException) {
        System.err.println(e.message)
        exitProcess(2)
    }
    val selected = try {
        Clients.select(options.clients, options.target)
    } catch (e: IllegalArgumentException) {
        System.err.println(e.message)
        exitProcess(2)
    }
    val failures = RedisTarget.resolve(options.target).use { target ->
        System.err.println("redis under test: ${target.uri} (${target.source})")
        val keyspace = Keyspace()
        keyspace.preload(target)
        var failed = 0
        for (concurrency in options.concurrency) {
            val load = Load(concurrency, options.duration, options.ops, options.warmup, keyspace, options.slowOver)
            for ((name, factory) in selected) {
                System.err.println("running $name: concurrency=$concurrency pool=${options.poolSize} " +
                    (options.ops?.let { "ops=$it" } ?: "duration=${options.duration}") + " warmup=${options.warmup}")
                try {
                    if (load.warmup.isPositive()) {
                        val waited = JitQuiet.settle(atMost = 30.seconds) { Thread.sleep(it.inWholeMilliseconds) }
                        System.err.println("$name: waited ${waited.toString(DurationUnit.SECONDS, 1)} for the JIT compiler to be quiet before starting")
                    }
                    val cost = if (options.diagnostics) RunCost.start(target) else null
                    val line = factory.create(target, options).use { client -> client.run(load).toJson() }
                    cost?.let { System.err.println("$name cost: ${it.finish()}") }
                    println(line)
                    options.out?.appendText(line + "\n")
                } catch (e: Exception) {
                    failed++
                    System.err.println("$name failed: $e")
                }
            }
        }
        failed
    }
    // exec:java runs main inside Maven: only leave through exitProcess when something went wrong
    if (failures > 0) exitProcess(1)
}
