package dev.trellis.relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.runtime.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed certificate is kept (key 0600) so the pin survives restarts; pins are exact. */
class RelayCertificateTest {
  @Test
  void theSelfSignedCertificateIsKeptAcrossRestarts(@TempDir Path dir) throws Exception {
    var first = RelayCertificate.selfSigned(dir, "relay.example", List.of("192.0.2.1"));
    var again = RelayCertificate.selfSigned(dir, "relay.example", List.of("192.0.2.1"));
    assertEquals(first.spkiSha256(), again.spkiSha256());
    assertEquals(64, first.spkiSha256().length());
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(dir.resolve("relay-key.pem")));
    assertTrue(Files.readString(dir.resolve("relay-key.pem")).contains("PRIVATE KEY"));
    // Files written by the generator can be given back as --relay-cert/--relay-key.
    var read = RelayCertificate.read(dir.resolve("relay-cert.pem"), dir.resolve("relay-key.pem"));
    assertEquals(first.spkiSha256(), read.spkiSha256());
  }

  @Test
  void theKeyManagersServeTheCertificateAndItsKey() throws Exception {
    var c = RelayCertificate.generate("relay.example", List.of());
    var km = (javax.net.ssl.X509KeyManager) c.keyManagers().getKeyManagers()[0];
    String alias = km.chooseServerAlias("EC", null, null);
    assertEquals("relay", alias);
    assertEquals(c.certificate(), km.getCertificateChain(alias)[0]);
    assertEquals(
        c.certificate().getPublicKey().getAlgorithm(), km.getPrivateKey(alias).getAlgorithm());
  }

  @Test
  void aPinTrustsExactlyItsCertificate() throws Exception {
    var a = RelayCertificate.generate("a", List.of());
    var b = RelayCertificate.generate("b", List.of());
    new PinnedTrust(a.spkiSha256())
        .checkServerTrusted(new java.security.cert.X509Certificate[] {a.certificate()}, "EC");
    assertThrows(
        CertificateException.class,
        () ->
            new PinnedTrust(a.spkiSha256())
                .checkServerTrusted(
                    new java.security.cert.X509Certificate[] {b.certificate()}, "EC"));
  }

  @Test
  void unreadableFilesNameThemselves(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "not a certificate");
    Path key = Files.writeString(dir.resolve("k.pem"), "not a key");
    var e = assertThrows(ConfigException.class, () -> RelayCertificate.read(cert, key));
    assertTrue(e.getMessage().contains("c.pem"), e.getMessage());
  }
}
