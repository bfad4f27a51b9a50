package io.hivepool.redis.internal

import io.hivepool.redis.RedisConnectionConfig
import java.nio.file.Files
import java.security.KeyStore
import java.security.cert.CertificateFactory
import javax.net.ssl.TrustManagerFactory
import javax.net.ssl.X509TrustManager

/** Builds the trust manager for TLS from a trust store or a PEM file; null means the JVM's default. */
internal object TrustManagers {
    fun forConfig(config: RedisConnectionConfig): X509TrustManager? {
        val store = config.trustStore ?: config.caCertificate?.let { path ->
            val certs = Files.newInputStream(path).use { CertificateFactory.getInstance("X.509").generateCertificates(it) }
            require(certs.isNotEmpty()) { "no certificate found in PEM file $path (caCertificate)" }
            KeyStore.getInstance(KeyStore.getDefaultType()).apply {
                load(null, null)
                certs.forEachIndexed { i, cert -> setCertificateEntry("ca-$i", cert) }
            }
        } ?: return null
        val factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm())
        factory.init(store)
        return factory.trustManagers.filterIsInstance<X509TrustManager>().first()
    }
}
