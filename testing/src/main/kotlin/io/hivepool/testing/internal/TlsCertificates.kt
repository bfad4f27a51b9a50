package io.hivepool.testing.internal

import io.hivepool.testing.TlsMaterial
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.security.KeyStore
import java.security.cert.CertificateFactory
import java.util.concurrent.TimeUnit

/**
 * Makes a throwaway CA and a server certificate for 127.0.0.1/localhost with the `openssl` command.
 * The JDK alone cannot sign certificates without internal APIs, and openssl is wherever a
 * TLS-enabled redis-server is.
 */
internal class TlsCertificates(private val env: (String) -> String?) {

    /** TLS was asked for but certificates cannot be made; no other way to get a server would help. */
    class Unavailable(message: String) : IllegalStateException(message)

    fun create(dir: Path): TlsMaterial {
        val openssl = env("PATH").orEmpty().split(File.pathSeparator).asSequence()
            .filter { it.isNotBlank() }
            .map { Paths.get(it, "openssl") }
            .firstOrNull { Files.isExecutable(it) }
            ?: throw Unavailable(
                "RedisServerOptions.tls needs the openssl command on PATH to make test certificates; " +
                    "install it (e.g. apt-get install openssl)",
            )
        Files.createDirectories(dir)
        val caKey = dir.resolve("ca.key")
        val caCert = dir.resolve("ca.crt")
        val serverKey = dir.resolve("server.key")
        val serverCsr = dir.resolve("server.csr")
        val serverCert = dir.resolve("server.crt")
        val extensions = dir.resolve("server.ext")
        Files.writeString(
            extensions,
            "basicConstraints=CA:FALSE\n" +
                "keyUsage=digitalSignature,keyEncipherment\n" +
                "extendedKeyUsage=serverAuth\n" +
                "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )

        fun run(vararg args: String) {
            val process = ProcessBuilder(listOf(openssl.toString()) + args).directory(dir.toFile())
                .redirectErrorStream(true).start()
            val output = process.inputStream.readAllBytes().toString(Charsets.UTF_8)
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw Unavailable("openssl ${args.joinToString(" ")} failed:\n$output")
            }
        }
        run("genrsa", "-out", caKey.toString(), "2048")
        run(
            "req", "-x509", "-new", "-key", caKey.toString(), "-sha256", "-days", "2",
            "-subj", "/CN=Hivepool test CA", "-out", caCert.toString(),
        )
        run("genrsa", "-out", serverKey.toString(), "2048")
        run("req", "-new", "-key", serverKey.toString(), "-subj", "/CN=localhost", "-out", serverCsr.toString())
        run(
            "x509", "-req", "-in", serverCsr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
            "-CAcreateserial", "-days", "2", "-sha256", "-extfile", extensions.toString(), "-out", serverCert.toString(),
        )

        val trustStore = KeyStore.getInstance("PKCS12").apply {
            load(null, null)
            val ca = Files.newInputStream(caCert).use { CertificateFactory.getInstance("X.509").generateCertificate(it) }
            setCertificateEntry(CA_ALIAS, ca)
        }
        return TlsMaterial(caCert, serverCert, serverKey, trustStore)
    }

    companion object {
        const val CA_ALIAS: String = "hivepool-test-ca"
    }
}
