package io.hivepool.testing

import java.nio.file.Path
import java.security.KeyStore
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLSocketFactory
import javax.net.ssl.TrustManagerFactory

/**
 * Certificates made for one TLS-enabled [RedisServer]: a throwaway CA and a server certificate it
 * signed for `127.0.0.1` and `localhost`. Clients trust [caCertPem] or [trustStore]; they need no
 * certificate of their own. The files live in the server's temp dir and are
 * deleted by [RedisServer.close].
 */
public class TlsMaterial internal constructor(
    /** The CA certificate, PEM. */
    public val caCertPem: Path,
    /** The server certificate (signed by the CA), PEM. */
    public val serverCertPem: Path,
    /** The server's private key, PEM. */
    public val serverKeyPem: Path,
    /** An in-memory PKCS12 key store holding only the CA certificate, under the alias `hivepool-test-ca`. */
    public val trustStore: KeyStore,
) {
    /** A TLS context that trusts exactly the test CA; convenient for clients that take an `SSLContext`. */
    public fun sslContext(): SSLContext {
        val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm())
        trust.init(trustStore)
        return SSLContext.getInstance("TLS").apply { init(null, trust.trustManagers, null) }
    }

    /** Socket factory from [sslContext]. */
    public fun socketFactory(): SSLSocketFactory = sslContext().socketFactory

    override fun toString(): String = "TlsMaterial(caCertPem=$caCertPem)"
}
