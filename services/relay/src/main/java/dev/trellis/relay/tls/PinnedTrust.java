package dev.trellis.relay.tls;

import dev.trellis.proto.relay.SpkiPin;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts exactly the server certificate whose SubjectPublicKeyInfo SHA-256 equals the pin (how
 * relay instances verify each other): the shared {@link SpkiPin}, which devices use too.
 *
 * <p>Thread-safety: immutable.
 */
public final class PinnedTrust implements X509TrustManager {
  private final SpkiPin pin;

  /** Trust for the lower-case hex {@code pin}. */
  public PinnedTrust(String pin) {
    this.pin = SpkiPin.trusting(pin);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pin.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pin.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pin.getAcceptedIssuers();
  }
}
