package dev.trellis.testkit.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed P-256 key and certificate for a test server, made by the JDK's {@code keytool} (a
 * real certificate, as a deployment would have one) into a PKCS12 store.
 *
 * @param store the loaded key store (password {@value #PASSWORD})
 * @param alias the entry holding the key and certificate
 *     <p>Thread-safety: the record is immutable; the store is not shared by the methods here.
 */
public record TestKeyStore(KeyStore store, String alias) {
  /** The password of the store and its key. */
  public static final String PASSWORD = "changeit";

  /**
   * Makes a key in {@code dir} named {@code alias} for the subject {@code CN=commonName} with the
   * subject alternative names {@code san} (keytool syntax, e.g. {@code dns:relay.test} or {@code
   * ip:127.0.0.1}), valid for two days.
   */
  public static TestKeyStore generate(Path dir, String alias, String commonName, String san)
      throws IOException, InterruptedException, GeneralSecurityException {
    Path file = dir.resolve(alias + ".p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + commonName,
                "-ext",
                "san=" + san,
                "-validity",
                "2",
                "-keystore",
                file.toString(),
                "-storepass",
                PASSWORD,
                "-storetype",
                "PKCS12")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return new TestKeyStore(ks, alias);
  }

  /** The certificate. */
  public X509Certificate certificate() throws GeneralSecurityException {
    return (X509Certificate) store.getCertificate(alias);
  }

  /** A TLS context that serves this key. */
  public SSLContext serverContext() throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, PASSWORD.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    return tls;
  }
}
