package dev.trellis.agent.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.trellis.agent.crypto.Tai64n;
import dev.trellis.proto.key.NodePrivateKey;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Decoders never throw on random or mutated bytes, and valid messages round-trip. */
class MessageDecoderFuzzTest {
  private static final LocalIdentity A = new LocalIdentity(NodePrivateKey.generate());
  private static final LocalIdentity B = new LocalIdentity(NodePrivateKey.generate());
  private static final byte[] VALID_INITIATION =
      new Handshake(A, new RemoteIdentity(A, publicOf(B), null))
          .createInitiation(7, Instant.now())
          .encode();

  private static dev.trellis.proto.key.NodePublicKey publicOf(LocalIdentity id) {
    return dev.trellis.proto.key.NodePublicKey.fromBytes(id.publicKey());
  }

  @Property(tries = 2000)
  void decodersNeverThrowOnRandomBytes(
      @ForAll @Size(max = 200) byte[] bytes, @ForAll @IntRange(min = 0, max = 4) int type) {
    if (bytes.length >= 4) {
      bytes[0] = (byte) type;
    }
    decodeAll(bytes);
  }

  @Provide
  Arbitrary<byte[]> mutatedInitiations() {
    return Arbitraries.integers()
        .between(0, VALID_INITIATION.length - 1)
        .list()
        .ofMaxSize(8)
        .map(
            positions -> {
              byte[] b = VALID_INITIATION.clone();
              for (int p : positions) {
                b[p] ^= (byte) (1 + p % 255);
              }
              return b;
            });
  }

  @Property(tries = 300)
  void mutatedInitiationsNeverOpenWithAChangedStaticKeyOrThrow(
      @ForAll("mutatedInitiations") byte[] bytes) {
    decodeAll(bytes);
    Initiation msg = Initiation.decode(bytes, 0, bytes.length);
    if (msg != null) {
      Handshake.OpenedInitiation opened = Handshake.open(B, msg);
      if (opened != null) {
        assertArrayEquals(A.publicKey(), opened.remoteStatic());
      }
    }
  }

  private static void decodeAll(byte[] b) {
    Messages.classify(b, 0, b.length);
    Initiation.decode(b, 0, b.length);
    Response.decode(b, 0, b.length);
    CookieReply.decode(b, 0, b.length);
    Initiation.decode(b, 3, b.length);
    Response.decode(null, 0, 0);
    if (Messages.classify(b, 0, b.length) == Spec.TYPE_TRANSPORT) {
      Transport.receiver(b, 0);
      Transport.counter(b, 0);
    }
  }

  @Property(tries = 200)
  void initiationsRoundTrip(@ForAll int sender, @ForAll @Size(value = 32) byte[] e) {
    byte[] ts = java.util.Arrays.copyOf(Tai64n.encode(Instant.EPOCH), 28);
    Initiation i = new Initiation(sender, e, new byte[48], ts, new byte[16], new byte[16]);
    byte[] wire = i.encode();
    assertArrayEquals(wire, Initiation.decode(wire, 0, wire.length).encode());
  }
}
