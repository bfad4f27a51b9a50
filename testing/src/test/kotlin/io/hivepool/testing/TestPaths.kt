package io.hivepool.testing

import io.hivepool.testing.internal.EmbeddedBinary
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths

/** Where [command] lives on this JVM's PATH; fails the test when it is not installed. */
fun onSystemPath(command: String): Path =
    System.getenv("PATH").split(File.pathSeparator)
        .map { Paths.get(it, command) }
        .firstOrNull { Files.isExecutable(it) }
        ?: error("$command is not on PATH; these tests need it installed")

/**
 * A temp dir holding one link, `redis-server`, to the binary shipped in embedded-redis: a PATH with a
 * redis-server on it on any machine. Delete it with deleteTree.
 */
fun pathWithEmbeddedRedis(): Path {
    val dir = Files.createTempDirectory("hivepool-test-path")
    Files.createSymbolicLink(dir.resolve("redis-server"), EmbeddedBinary.DEFAULT.extract())
    return dir
}
