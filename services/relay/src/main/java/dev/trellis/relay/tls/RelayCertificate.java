package dev.trellis.relay.tls;

import dev.trellis.runtime.config.ConfigException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The relay's TLS certificate and key: read from {@code --relay-cert/--relay-key}, or a self-signed
 * ECDSA P-256 certificate generated once and kept in the state directory (key file 0600). Its pin
 * is the lower-case hex SHA-256 of the certificate's DER SubjectPublicKeyInfo, which the relay map
 * publishes.
 *
 * <p>Thread-safety: immutable.
 */
public final class RelayCertificate {
  private final X509Certificate certificate;
  private final PrivateKey key;

  private RelayCertificate(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** Reads the certificate and key from PEM files. */
  public static RelayCertificate read(Path certFile, Path keyFile) {
    try {
      return new RelayCertificate(
          readCert(Files.readString(certFile)), readKey(Files.readString(keyFile)));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new ConfigException(
          "cannot read the relay certificate "
              + certFile
              + " / key "
              + keyFile
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The self-signed certificate in {@code dir} (relay-cert.pem, relay-key.pem), made if absent. */
  public static RelayCertificate selfSigned(Path dir, String hostname, List<String> addresses) {
    Path certFile = dir.resolve("relay-cert.pem");
    Path keyFile = dir.resolve("relay-key.pem");
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      return read(certFile, keyFile);
    }
    try {
      Files.createDirectories(dir);
      RelayCertificate made = generate(hostname, addresses);
      Path tmpKey =
          Files.createTempFile(
              dir,
              ".relay-key",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmpKey, pem(made.key));
      Files.move(tmpKey, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(certFile, pem(made.certificate));
      return made;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(
          "cannot create the relay certificate in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** A fresh self-signed certificate naming {@code hostname} and {@code addresses}. */
  public static RelayCertificate generate(String hostname, List<String> addresses)
      throws GeneralSecurityException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    Instant now = Instant.now();
    List<GeneralName> names = new ArrayList<>();
    String cn = hostname == null || hostname.isBlank() ? "trellis-relay" : hostname;
    names.add(new GeneralName(GeneralName.dNSName, cn));
    for (String a : addresses) {
      names.add(new GeneralName(GeneralName.iPAddress, a));
    }
    try {
      var builder =
          new JcaX509v3CertificateBuilder(
              new X500Name("CN=" + cn.replaceAll("[,=+<>#;\"\\\\]", "_")),
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(1, ChronoUnit.DAYS)),
              Date.from(now.plus(3650, ChronoUnit.DAYS)),
              new X500Name("CN=" + cn.replaceAll("[,=+<>#;\"\\\\]", "_")),
              pair.getPublic());
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      X509CertificateHolder holder =
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      return new RelayCertificate(
          new JcaX509CertificateConverter().getCertificate(holder), pair.getPrivate());
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException("cannot build the certificate", e);
    }
  }

  /** Lower-case hex SHA-256 of the certificate's DER SubjectPublicKeyInfo. */
  public String spkiSha256() {
    return pin(certificate);
  }

  /** The pin of any certificate (see {@link #spkiSha256()}). */
  public static String pin(X509Certificate cert) {
    return dev.trellis.proto.relay.SpkiPin.of(cert);
  }

  /**
   * A key manager factory serving this certificate. The key store exists only in memory, to hand
   * the key to the factory, so its entry is protected with a single PBKDF2 round: the JDK's default
   * of 10,000 rounds (to store and again to read back) cost each relay listener up to 0.4 s of CPU
   * on its event loop on a cold JVM.
   */
  public KeyManagerFactory keyManagers() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] pass = "relay".toCharArray();
      byte[] salt = new byte[16];
      new SecureRandom().nextBytes(salt);
      store.setEntry(
          "relay",
          new KeyStore.PrivateKeyEntry(key, new X509Certificate[] {certificate}),
          new KeyStore.PasswordProtection(
              pass, "PBEWithHmacSHA256AndAES_256", new PBEParameterSpec(salt, 1)));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, pass);
      return kmf;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot load the relay certificate into a key store", e);
    }
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  @Override
  public String toString() {
    return "RelayCertificate["
        + certificate.getSubjectX500Principal()
        + ", spki "
        + spkiSha256()
        + "]";
  }

  private static X509Certificate readCert(String pem) throws IOException, GeneralSecurityException {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (!(o instanceof X509CertificateHolder holder)) {
        throw new GeneralSecurityException("no PEM CERTIFICATE found");
      }
      return new JcaX509CertificateConverter().getCertificate(holder);
    }
  }

  private static PrivateKey readKey(String pem) throws IOException, GeneralSecurityException {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      var converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new GeneralSecurityException("no PEM PRIVATE KEY found");
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(
          o instanceof PrivateKey k
              ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)
              : o);
    }
    return out.toString();
  }
}
