package dev.trellis.agent.paths.relay;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.X509TrustManager;

/**
 * TLS toward a relay: when the relay map names a SPKI pin (lower-case hex SHA-256 of the
 * certificate's SubjectPublicKeyInfo) exactly that key is accepted; with no pin the JDK's PKI and
 * hostname verification apply; the pin {@value #PLAINTEXT_PIN} (test relays started with {@code
 * --relay-insecure-plaintext}) means plain TCP. {@link RelayStream} speaks it.
 *
 * <p>Thread-safety: stateless.
 */
public final class RelayTls {
  /** The relay-map pin that asks for plain TCP (tests only). */
  public static final String PLAINTEXT_PIN = "insecure-plaintext";

  private RelayTls() {}

  /** The trust manager that accepts exactly the certificate key {@code pin} names. */
  static X509TrustManager pinned(String pin) {
    return new Pinned(pin);
  }

  /** The pin of a certificate: lower-case hex SHA-256 of its DER SubjectPublicKeyInfo. */
  public static String pinOf(X509Certificate cert) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private record Pinned(String pin) implements X509TrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (chain == null || chain.length == 0 || !pin.equalsIgnoreCase(pinOf(chain[0]))) {
        throw new CertificateException("the relay's key does not match the pinned " + pin);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
