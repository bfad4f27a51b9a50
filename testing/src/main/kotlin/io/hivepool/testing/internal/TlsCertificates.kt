package io.hivepool.testing.internal

import io.hivepool.testing.TlsMaterial
import java.io.ByteArrayOutputStream
import java.math.BigInteger
import java.nio.file.Files
import java.nio.file.Path
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.PrivateKey
import java.security.SecureRandom
import java.security.Signature
import java.security.cert.CertificateFactory
import java.security.cert.X509Certificate
import java.time.Instant
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.temporal.ChronoUnit
import java.util.Base64

/**
 * Makes a throwaway CA and a server certificate for 127.0.0.1/localhost with the JDK alone: the JDK has no public
 * API that issues certificates, so the few DER structures of an X.509 v3 certificate are written here and signed
 * with `java.security.Signature` (SHA256withRSA). Nothing outside the JDK is needed (no openssl, no keytool).
 */
internal object TlsCertificates {
    const val CA_ALIAS: String = "hivepool-test-ca"

    fun create(dir: Path): TlsMaterial {
        Files.createDirectories(dir)
        val now = Instant.now().truncatedTo(ChronoUnit.SECONDS)
        val notBefore = now.minus(1, ChronoUnit.HOURS) // a clock a little behind still accepts it
        val notAfter = now.plus(2, ChronoUnit.DAYS)
        val ca = certificate(
            subject = "Hivepool test CA", issuer = "Hivepool test CA", keys = caKeys, signer = caKeys.private,
            notBefore = notBefore, notAfter = notAfter, extensions = caExtensions(),
        )
        val server = certificate(
            subject = "localhost", issuer = "Hivepool test CA", keys = serverKeys, signer = caKeys.private,
            notBefore = notBefore, notAfter = notAfter, extensions = serverExtensions(),
        )
        server.verify(ca.publicKey)

        val caCert = dir.resolve("ca.crt")
        val serverCert = dir.resolve("server.crt")
        val serverKey = dir.resolve("server.key")
        Files.writeString(caCert, pem("CERTIFICATE", ca.encoded))
        Files.writeString(serverCert, pem("CERTIFICATE", server.encoded))
        Files.writeString(serverKey, pem("PRIVATE KEY", serverKeys.private.encoded)) // PKCS#8
        val trustStore = KeyStore.getInstance("PKCS12").apply {
            load(null, null)
            setCertificateEntry(CA_ALIAS, ca)
        }
        return TlsMaterial(caCert, serverCert, serverKey, trustStore)
    }

    // RSA key generation takes up to seconds on a busy machine, signing milliseconds: one pair of keys per JVM,
    // fresh certificates (serial, dates) for every server.
    private val caKeys: KeyPair by lazy(::rsaKeys)
    private val serverKeys: KeyPair by lazy(::rsaKeys)

    private fun rsaKeys(): KeyPair = KeyPairGenerator.getInstance("RSA").apply { initialize(2048) }.generateKeyPair()

    private fun certificate(
        subject: String,
        issuer: String,
        keys: KeyPair,
        signer: PrivateKey,
        notBefore: Instant,
        notAfter: Instant,
        extensions: List<ByteArray>,
    ): X509Certificate {
        val algorithm = seq(oid(SHA256_WITH_RSA), byteArrayOf(NULL, 0))
        val tbs = seq(
            der(0xA0, der(INTEGER, byteArrayOf(2))), // [0] version v3
            der(INTEGER, BigInteger(64, SecureRandom()).add(BigInteger.ONE).toByteArray()),
            algorithm,
            name(issuer),
            seq(utcTime(notBefore), utcTime(notAfter)),
            name(subject),
            keys.public.encoded, // already a SubjectPublicKeyInfo
            der(0xA3, seq(*extensions.toTypedArray())), // [3] extensions
        )
        val signature = Signature.getInstance("SHA256withRSA").apply {
            initSign(signer)
            update(tbs)
        }.sign()
        val encoded = seq(tbs, algorithm, bitString(signature, unusedBits = 0))
        return CertificateFactory.getInstance("X.509").generateCertificate(encoded.inputStream()) as X509Certificate
    }

    private fun caExtensions() = listOf(
        extension(BASIC_CONSTRAINTS, critical = true, value = seq(der(BOOLEAN, byteArrayOf(-1)))), // cA = true
        extension(KEY_USAGE, critical = true, value = bitString(byteArrayOf(0x06), unusedBits = 1)), // keyCertSign, cRLSign
    )

    private fun serverExtensions() = listOf(
        extension(BASIC_CONSTRAINTS, critical = true, value = seq()),
        extension(KEY_USAGE, critical = true, value = bitString(byteArrayOf(0xA0.toByte()), unusedBits = 5)), // digitalSignature, keyEncipherment
        extension(EXTENDED_KEY_USAGE, critical = false, value = seq(oid(SERVER_AUTH))),
        extension(
            SUBJECT_ALT_NAME,
            critical = false,
            value = seq(der(0x87, byteArrayOf(127, 0, 0, 1)), der(0x82, "localhost".toByteArray(Charsets.US_ASCII))),
        ),
    )

    private fun extension(id: String, critical: Boolean, value: ByteArray): ByteArray =
        if (critical) seq(oid(id), der(BOOLEAN, byteArrayOf(-1)), der(OCTET_STRING, value)) else seq(oid(id), der(OCTET_STRING, value))

    /** A Name of one RDN, the common name. */
    private fun name(commonName: String): ByteArray =
        seq(der(SET, seq(oid(COMMON_NAME), der(UTF8_STRING, commonName.toByteArray(Charsets.UTF_8)))))

    private fun utcTime(instant: Instant): ByteArray =
        der(UTC_TIME, UTC_FORMAT.format(instant.atOffset(ZoneOffset.UTC)).toByteArray(Charsets.US_ASCII))

    private fun bitString(bytes: ByteArray, unusedBits: Int): ByteArray = der(BIT_STRING, byteArrayOf(unusedBits.toByte()) + bytes)

    private fun oid(dotted: String): ByteArray {
        val parts = dotted.split('.').map { it.toLong() }
        val out = ByteArrayOutputStream()
        out.write((parts[0] * 40 + parts[1]).toInt())
        for (part in parts.drop(2)) {
            val groups = ArrayList<Int>()
            var v = part
            do {
                groups += (v and 0x7F).toInt()
                v = v shr 7
            } while (v > 0)
            for (i in groups.indices.reversed()) out.write(groups[i] or if (i > 0) 0x80 else 0)
        }
        return der(OBJECT_ID, out.toByteArray())
    }

    private fun seq(vararg parts: ByteArray): ByteArray = der(SEQUENCE, parts.fold(ByteArray(0)) { acc, p -> acc + p })

    /** One DER element: tag, definite length, content. */
    private fun der(tag: Int, content: ByteArray): ByteArray {
        val n = content.size
        val length = when {
            n < 0x80 -> byteArrayOf(n.toByte())
            n < 0x100 -> byteArrayOf(0x81.toByte(), n.toByte())
            else -> byteArrayOf(0x82.toByte(), (n shr 8).toByte(), n.toByte())
        }
        return byteArrayOf(tag.toByte()) + length + content
    }

    private fun pem(type: String, der: ByteArray): String =
        "-----BEGIN $type-----\n" + Base64.getMimeEncoder(64, "\n".toByteArray()).encodeToString(der) + "\n-----END $type-----\n"

    private const val BOOLEAN = 0x01
    private const val INTEGER = 0x02
    private const val BIT_STRING = 0x03
    private const val OCTET_STRING = 0x04
    private const val NULL: Byte = 0x05
    private const val OBJECT_ID = 0x06
    private const val UTF8_STRING = 0x0C
    private const val UTC_TIME = 0x17
    private const val SEQUENCE = 0x30
    private const val SET = 0x31
    private const val SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
    private const val COMMON_NAME = "2.5.4.3"
    private const val BASIC_CONSTRAINTS = "2.5.29.19"
    private const val KEY_USAGE = "2.5.29.15"
    private const val EXTENDED_KEY_USAGE = "2.5.29.37"
    private const val SUBJECT_ALT_NAME = "2.5.29.17"
    private const val SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
    private val UTC_FORMAT: DateTimeFormatter = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
}
