package io.hivepool.testing.internal

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.attribute.PosixFilePermissions

/**
 * The redis-server binary shipped as a resource in `com.github.codemonstur:embedded-redis`. We only
 * take the file and run it ourselves, so we choose the arguments and know the pid.
 *
 * [resourceName] is injectable so tests can make this way fail; by default it is chosen from the
 * OS and CPU.
 */
internal class EmbeddedBinary(
    private val resourceName: () -> String = ::resourceForThisMachine,
) {
    private var extracted: Path? = null // guarded by this

    /** Extracts the binary once per JVM into a temp dir (deleted at exit) and returns its path. */
    @Synchronized
    fun extract(): Path {
        extracted?.let { if (Files.isExecutable(it)) return it }
        val name = resourceName()
        val resource = EmbeddedBinary::class.java.classLoader.getResourceAsStream(name)
            ?: throw IllegalStateException("resource '$name' not found on the classpath (is embedded-redis 1.4.x there?)")
        val dir = Files.createTempDirectory("hivepool-embedded-redis-")
        val binary = dir.resolve(name)
        resource.use { Files.copy(it, binary, StandardCopyOption.REPLACE_EXISTING) }
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"))
        Runtime.getRuntime().addShutdownHook(Thread({ deleteTree(dir) }, "hivepool-embedded-redis-cleanup"))
        extracted = binary
        return binary
    }

    companion object {
        val DEFAULT: EmbeddedBinary = EmbeddedBinary()

        /** File names inside embedded-redis 1.4.4's jar. */
        fun resourceForThisMachine(): String {
            val os = System.getProperty("os.name").lowercase()
            val arch = System.getProperty("os.arch").lowercase()
            return when {
                os.contains("linux") && arch in setOf("amd64", "x86_64") -> "redis-server-6.2.6-v5-linux-amd64"
                os.contains("linux") && arch in setOf("aarch64", "arm64") -> "redis-server-6.2.7-linux-arm64"
                os.contains("linux") && arch in setOf("x86", "i386", "i686") -> "redis-server-6.2.7-linux-386"
                os.contains("mac") && arch in setOf("aarch64", "arm64") -> "redis-server-6.2.6-v5-darwin-arm64"
                os.contains("mac") -> "redis-server-6.2.6-v5-darwin-amd64"
                else -> throw IllegalStateException(
                    "no embedded redis-server for $os/$arch that the fixture can control (it needs POSIX signals)",
                )
            }
        }
    }
}
