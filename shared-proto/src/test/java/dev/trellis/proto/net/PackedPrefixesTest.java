package dev.trellis.proto.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PackedPrefixesTest {

  @Test
  void entriesAreFamilyLengthThenTheAddress() {
    byte[] b =
        PackedPrefixes.encode(
            List.of(IpPrefix.parse("100.64.0.3/32"), IpPrefix.parse("fd7a:115c:a1e0::/48")));
    assertArrayEquals(
        new byte[] {
          4,
          32,
          100,
          64,
          0,
          3, //
          6,
          48,
          (byte) 0xfd,
          0x7a,
          0x11,
          0x5c,
          (byte) 0xa1,
          (byte) 0xe0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0
        },
        b);
  }

  @Test
  void decodeGivesBackWhatWasEncodedInOrder() {
    List<IpPrefix> in =
        List.of(
            IpPrefix.parse("10.0.0.0/8"),
            IpPrefix.parse("::/0"),
            IpPrefix.parse("0.0.0.0/0"),
            IpPrefix.parse("fd7a::1/128"),
            IpPrefix.parse("255.255.255.255/32"));
    assertEquals(in, PackedPrefixes.decode(ByteString.copyFrom(PackedPrefixes.encode(in))));
    assertEquals(List.of(), PackedPrefixes.decode(ByteString.EMPTY));
  }

  @Test
  void decodeReadsASliceOfALargerBuffer() {
    byte[] packed = PackedPrefixes.encode(List.of(IpPrefix.parse("100.64.0.9/32")));
    byte[] around = new byte[packed.length + 7];
    System.arraycopy(packed, 0, around, 3, packed.length);
    ByteString slice = ByteString.copyFrom(around).substring(3, 3 + packed.length);
    assertEquals(List.of(IpPrefix.parse("100.64.0.9/32")), PackedPrefixes.decode(slice));
  }

  @Test
  void malformedInputIsRefusedNamingTheOffset() {
    assertMessage("unknown address family 5 at byte 6", 4, 32, 1, 2, 3, 4, 5, 0);
    assertMessage("entry at byte 0 is cut short (5 bytes)", 4, 32, 1, 2, 3);
    assertMessage("entry at byte 0 has length 33, longer than its address", 4, 33, 1, 2, 3, 4);
    assertMessage("entry at byte 0 has length 8 and host bits set", 4, 8, 10, 0, 0, 1);
    byte[] v6 = new byte[18];
    v6[0] = 6;
    v6[1] = (byte) 129;
    assertMessage("entry at byte 0 has length 129, longer than its address", v6);
  }

  private static void assertMessage(String expected, int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) bytes[i];
    }
    assertMessage(expected, b);
  }

  private static void assertMessage(String expected, byte[] b) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PackedPrefixes.decode(ByteString.copyFrom(b)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Provide
  Arbitrary<IpPrefix> prefixes() {
    Arbitrary<IpPrefix> v4 =
        Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofSize(4),
                Arbitraries.integers().between(0, 32))
            .as((a, bits) -> IpPrefix.of(address(a), bits));
    Arbitrary<IpPrefix> v6 =
        Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofSize(16),
                Arbitraries.integers().between(0, 128))
            .as((a, bits) -> IpPrefix.of(address(a), bits));
    return Arbitraries.oneOf(v4, v6);
  }

  private static java.net.InetAddress address(byte[] a) {
    try {
      return a.length == 16
          ? java.net.Inet6Address.getByAddress(null, a, -1)
          : java.net.InetAddress.getByAddress(a);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Property(tries = 2000)
  void anyListRoundTrips(@ForAll("lists") List<IpPrefix> in) {
    byte[] b = PackedPrefixes.encode(in);
    assertEquals(in.stream().mapToInt(PackedPrefixes::entrySize).sum(), b.length);
    assertEquals(in, PackedPrefixes.decode(ByteString.copyFrom(b)));
  }

  @Provide
  Arbitrary<List<IpPrefix>> lists() {
    return prefixes().list().ofMaxSize(40);
  }

  /**
   * Fuzz target: any bytes decode or are refused with an IllegalArgumentException, nothing else.
   */
  @Property(tries = 5000)
  void anyBytesDecodeOrAreRefused(@ForAll("packedLike") byte[] b) {
    List<IpPrefix> out;
    try {
      out = PackedPrefixes.decode(ByteString.copyFrom(b));
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertArrayEquals(b, PackedPrefixes.encode(out), "what decodes encodes back the same");
  }

  @Provide
  Arbitrary<byte[]> packedLike() {
    Arbitrary<byte[]> entryish =
        Arbitraries.integers()
            .between(0, 40)
            .flatMap(
                n ->
                    Arbitraries.bytes()
                        .array(byte[].class)
                        .ofSize(n)
                        .map(
                            a -> {
                              if (a.length > 0) {
                                a[0] = (byte) (a[0] % 2 == 0 ? 4 : 6);
                              }
                              return a;
                            }));
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
        entryish,
        prefixes()
            .list()
            .ofMaxSize(4)
            .map(PackedPrefixes::encode)
            .map(
                a -> {
                  byte[] c = a.clone();
                  IntStream.range(0, Math.min(2, c.length)).forEach(i -> c[c.length - 1 - i] ^= 1);
                  return c;
                }));
  }
}
