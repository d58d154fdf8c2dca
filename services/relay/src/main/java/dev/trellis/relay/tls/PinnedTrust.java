package dev.trellis.relay.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts exactly the server certificate whose SubjectPublicKeyInfo SHA-256 equals the pin (how
 * relay instances verify each other, and how devices verify a self-signed relay).
 *
 * <p>Thread-safety: immutable.
 */
public final class PinnedTrust implements X509TrustManager {
  private final String pin;

  /** Trust for the lower-case hex {@code pin}. */
  public PinnedTrust(String pin) {
    this.pin = pin;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0 || !pin.equals(RelayCertificate.pin(chain[0]))) {
      throw new CertificateException("the relay's certificate does not match its pin");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("client certificates are not used");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
