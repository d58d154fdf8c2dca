package dev.trellis.agent.paths.relay;

import dev.trellis.proto.control.v1.RelayNode;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

/**
 * TLS toward a relay: when the relay map names a SPKI pin (lower-case hex SHA-256 of the
 * certificate's SubjectPublicKeyInfo) exactly that key is accepted; with no pin the JDK's PKI and
 * hostname verification apply; the pin {@value #PLAINTEXT_PIN} (test relays started with {@code
 * --relay-insecure-plaintext}) means plain TCP.
 *
 * <p>Thread-safety: stateless.
 */
public final class RelayTls {
  /** The relay-map pin that asks for plain TCP (tests only). */
  public static final String PLAINTEXT_PIN = "insecure-plaintext";

  private RelayTls() {}

  /** The socket to speak over: {@code raw} itself for plaintext, else a TLS socket over it. */
  static Socket wrap(Socket raw, RelayNode node, String host) throws IOException {
    String pin = node.getTlsSpkiSha256();
    if (PLAINTEXT_PIN.equals(pin)) {
      return raw;
    }
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, pin.isEmpty() ? null : new X509TrustManager[] {new Pinned(pin)}, null);
      String name = node.getHostname().isEmpty() ? host : node.getHostname();
      SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, name, raw.getPort(), true);
      if (pin.isEmpty()) {
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
      }
      s.startHandshake();
      return s;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup failed: " + e.getMessage(), e);
    }
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
