package dev.trellis.load.crypto;

import dev.trellis.agent.crypto.Blake2s;
import dev.trellis.agent.wireguard.CookieChecker;
import dev.trellis.agent.wireguard.CookieGenerator;
import dev.trellis.agent.wireguard.Handshake;
import dev.trellis.agent.wireguard.Initiation;
import dev.trellis.agent.wireguard.Keypair;
import dev.trellis.agent.wireguard.LocalIdentity;
import dev.trellis.agent.wireguard.RemoteIdentity;
import dev.trellis.agent.wireguard.Response;
import dev.trellis.proto.crypto.AeadKey;
import dev.trellis.proto.crypto.BcChaChaPoly;
import dev.trellis.proto.crypto.ChaChaPoly;
import dev.trellis.proto.crypto.JdkChaChaPoly;
import dev.trellis.proto.crypto.OpenSslChaChaPoly;
import dev.trellis.proto.key.NodePrivateKey;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.KeyAgreement;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * Crypto micro-benchmark for the WireGuard data plane, one core: X25519 (BouncyCastle vs JDK XDH),
 * ChaCha20-Poly1305 on 1420-byte packets in place (OpenSSL libcrypto through FFM, heap array passed
 * critical or copied through native memory, vs JDK Cipher vs BouncyCastle) with bytes allocated per
 * packet, and BLAKE2s. Prints a table; {@code ChaChaPoly.create()} must pick the faster AEAD it
 * reports.
 *
 * <p>It also measures whole WireGuard handshakes (both sides in one thread: initiation with MACs,
 * its opening and checks, the response, and the initiator's session keys), the figure that X25519's
 * speed decides.
 *
 * <p>Run: {@code java -cp load/target/trellis-load.jar dev.trellis.load.crypto.CryptoBench
 * [seconds-per-case [case-filter]]}; a filter runs only the cases whose name contains it. Besides
 * wall-clock ops/s it prints ops per second of the measuring thread's CPU time, which other
 * processes on a shared machine disturb far less (the JIT's and GC's threads are not counted).
 */
public final class CryptoBench {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static volatile long sink;
  private static String only = "";
  private static double secs;

  private CryptoBench() {}

  private interface Op {
    void run() throws Exception;
  }

  private record Result(double opsPerSec, double opsPerCpuSec, double bytesPerOp) {}

  private static Result measure(Op op, double seconds) throws Exception {
    long warm = System.nanoTime() + (long) (seconds * 0.5e9);
    while (System.nanoTime() < warm) {
      op.run();
    }
    long tid = Thread.currentThread().threadId();
    long alloc0 = THREADS.getThreadAllocatedBytes(tid);
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      for (int i = 0; i < 64; i++) {
        op.run();
      }
      n += 64;
      now = System.nanoTime();
    } while (now < end);
    long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
    long alloc = THREADS.getThreadAllocatedBytes(tid) - alloc0;
    return new Result(n / ((now - start) / 1e9), n / (cpu / 1e9), (double) alloc / n);
  }

  public static void main(String[] args) throws Exception {
    secs = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    only = args.length > 1 ? args[1] : "";
    System.out.printf(
        Locale.ROOT,
        "CryptoBench  java %s  %d cores  %.1f s per case%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        secs);
    System.out.printf(
        Locale.ROOT,
        "%-50s %14s %14s %12s %14s%n",
        "case",
        "ops/s",
        "ops/CPU-s",
        "Gbit/s",
        "B alloc/op");

    byte[] a = dev.trellis.proto.crypto.X25519.generatePrivate();
    byte[] bPub =
        dev.trellis.proto.crypto.X25519.publicKey(
            dev.trellis.proto.crypto.X25519.generatePrivate());
    bench(
        "X25519 shared secret, BouncyCastle",
        () -> {
          sink += dev.trellis.proto.crypto.X25519.sharedSecret(a, bPub)[0];
        },
        0);

    KeyFactory kf = KeyFactory.getInstance("XDH");
    PrivateKey jdkPriv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, a));
    byte[] le = bPub.clone();
    le[31] &= 0x7f;
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = le[31 - i];
    }
    PublicKey jdkPub =
        kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
    bench(
        "X25519 shared secret, JDK XDH",
        () -> {
          KeyAgreement ka = KeyAgreement.getInstance("XDH");
          ka.init(jdkPriv);
          ka.doPhase(jdkPub, true);
          sink += ka.generateSecret()[0];
        },
        0);

    int size = 1420;
    byte[] buf = new byte[16 + size + 16];
    ThreadLocalRandom.current().nextBytes(buf);
    byte[] keyBytes = new byte[32];
    ThreadLocalRandom.current().nextBytes(keyBytes);
    AeadKey key = new AeadKey(keyBytes);
    java.util.List<ChaChaPoly> aeads = new java.util.ArrayList<>();
    if (OpenSslChaChaPoly.isAvailable()) {
      aeads.add(new OpenSslChaChaPoly(OpenSslChaChaPoly.Transfer.HEAP_CRITICAL));
      aeads.add(new OpenSslChaChaPoly(OpenSslChaChaPoly.Transfer.NATIVE_COPY));
    } else {
      System.out.println("(OpenSSL libcrypto not usable: no OpenSSL rows)");
    }
    aeads.add(new JdkChaChaPoly());
    aeads.add(new BcChaChaPoly());
    for (ChaChaPoly aead : aeads) {
      long[] counter = {0};
      String name =
          aead instanceof OpenSslChaChaPoly o
              ? "OpenSSL " + o.transfer()
              : aead.getClass().getSimpleName();
      bench(
          "ChaCha20-Poly1305 seal 1420, " + name,
          () -> {
            sink += aead.seal(key, counter[0]++, buf, 16, size, null);
          },
          size);
      byte[] sealed = buf.clone();
      int n = aead.seal(key, 1L << 50, sealed, 16, size, null);
      byte[] work = sealed.clone();
      bench(
          "ChaCha20-Poly1305 open 1420, " + name,
          () -> {
            System.arraycopy(sealed, 16, work, 16, n);
            sink += aead.open(key, 1L << 50, work, 16, n, null);
          },
          size);
    }
    System.out.println("data plane uses: " + ChaChaPoly.create().getClass().getSimpleName());

    byte[] msg = new byte[148];
    bench(
        "BLAKE2s-256 of 148 B (Blake2s.hash)",
        () -> {
          sink += Blake2s.hash(msg)[0];
        },
        148);
    Blake2sDigest d = new Blake2sDigest(256);
    byte[] out = new byte[32];
    bench(
        "BLAKE2s-256 of 1420 B (BC, reused)",
        () -> {
          d.update(buf, 0, size);
          d.doFinal(out, 0);
          sink += out[0];
        },
        size);
    byte[] mkey = new byte[32];
    bench(
        "MAC (keyed BLAKE2s-128) of 116 B",
        () -> {
          sink += Blake2s.mac(mkey, msg, 0, 116)[0];
        },
        116);
    handshakes();
    System.out.println("(sink " + (sink & 1) + ")");
  }

  /**
   * Whole WireGuard handshakes between two identities in this thread: A's initiation (with MAC1),
   * B's MAC1 check, opening and consuming it, B's response (with MAC1), A's MAC1 check and A's
   * session keys. Each handshake takes 2 X25519 base-point and 6 shared-secret operations.
   */
  private static void handshakes() throws Exception {
    NodePrivateKey ka = NodePrivateKey.generate();
    NodePrivateKey kb = NodePrivateKey.generate();
    LocalIdentity la = new LocalIdentity(ka);
    LocalIdentity lb = new LocalIdentity(kb);
    RemoteIdentity toB = new RemoteIdentity(la, kb.publicKey(), null);
    RemoteIdentity toA = new RemoteIdentity(lb, ka.publicKey(), null);
    Handshake ha = new Handshake(la, toB);
    Handshake hb = new Handshake(lb, toA);
    CookieGenerator macsToB = new CookieGenerator(toB);
    CookieGenerator macsToA = new CookieGenerator(toA);
    CookieChecker checkA = new CookieChecker(la);
    CookieChecker checkB = new CookieChecker(lb);
    long[] clock = {0};
    Instant epoch = Instant.parse("2026-01-01T00:00:00Z");
    Keypair[] responder = new Keypair[1];
    bench(
        "WireGuard handshake, both sides",
        () -> {
          // a second apart, so that neither the replay nor the flood check refuses it
          long now = clock[0] += 1_000_000_000L;
          byte[] init = ha.createInitiation(1, epoch.plusNanos(now)).encode();
          macsToB.addMacs(init, now);
          if (!checkB.checkMac1(init, 0, init.length)) {
            throw new IllegalStateException("MAC1 of the initiation");
          }
          Handshake.OpenedInitiation opened =
              Handshake.open(lb, Initiation.decode(init, 0, init.length));
          if (opened == null || hb.consume(opened, now) != Handshake.Result.OK) {
            throw new IllegalStateException("initiation refused");
          }
          byte[] resp = hb.createResponse(2, now, responder).encode();
          macsToA.addMacs(resp, now);
          if (!checkA.checkMac1(resp, 0, resp.length)) {
            throw new IllegalStateException("MAC1 of the response");
          }
          Keypair initiator = ha.consume(Response.decode(resp, 0, resp.length), now);
          if (initiator == null) {
            throw new IllegalStateException("response refused");
          }
          sink += initiator.localIndex() + responder[0].localIndex();
        },
        0);
  }

  /** Measures and prints one case, unless the filter leaves it out. */
  private static void bench(String name, Op op, int bytesPerOp) throws Exception {
    if (name.contains(only)) {
      row(name, measure(op, secs), bytesPerOp);
    }
  }

  private static void row(String name, Result r, int bytesPerOp) {
    String gbit =
        bytesPerOp == 0
            ? "-"
            : String.format(Locale.ROOT, "%.2f", r.opsPerSec() * bytesPerOp * 8 / 1e9);
    System.out.printf(
        Locale.ROOT,
        "%-50s %14.0f %14.0f %12s %14.0f%n",
        name,
        r.opsPerSec(),
        r.opsPerCpuSec(),
        gbit,
        r.bytesPerOp());
  }
}
