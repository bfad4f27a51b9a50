package io.hivepool.testing

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

/** A temp dir holding links to just [commands], to use as an injected PATH. Delete it with deleteTree. */
fun pathWithOnly(vararg commands: String): Path {
    val dir = Files.createTempDirectory("hivepool-test-path")
    for (command in commands) Files.createSymbolicLink(dir.resolve(command), onSystemPath(command))
    return dir
}
