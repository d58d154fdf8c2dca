package dev.trellis.proto.relay;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.X509TrustManager;

/**
 * The relay's TLS pin: the lower-case hex SHA-256 of its certificate's DER SubjectPublicKeyInfo, as
 * published in the relay map ({@code RelayNode.tls_spki_sha256}). A device (or another relay
 * instance) connecting to a self-signed relay trusts exactly the certificate with that pin.
 *
 * <p>Thread-safety: immutable.
 */
public final class SpkiPin implements X509TrustManager {
  private final String pin;

  private SpkiPin(String pin) {
    this.pin = pin;
  }

  /** A trust manager accepting exactly the server certificate whose pin is {@code pin}. */
  public static SpkiPin trusting(String pin) {
    if (pin == null || !pin.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a relay pin is 64 lower-case hex digits");
    }
    return new SpkiPin(pin);
  }

  /** The pin of {@code certificate}. */
  public static String of(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0 || !pin.equals(of(chain[0]))) {
      throw new CertificateException("the relay's certificate does not match its pin");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("client certificates are not used by relays");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  @Override
  public String toString() {
    return "SpkiPin[" + pin + "]";
  }
}
