package dev.trellis.proto.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/** The invariants of IpPrefix and IpLiteral, over random addresses of both families. */
class IpPrefixPropertiesTest {

  @Provide
  Arbitrary<byte[]> addresses() {
    // many zero bytes, so that zero runs (and "::") are common in IPv6 text
    Arbitrary<Byte> b =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just((byte) 0)), Tuple.of(2, Arbitraries.bytes()));
    return Arbitraries.oneOf(b.array(byte[].class).ofSize(4), b.array(byte[].class).ofSize(16));
  }

  @Provide
  Arbitrary<IpPrefix> prefixes() {
    return Combinators.combine(addresses(), Arbitraries.integers().between(0, 128))
        .as((a, n) -> IpPrefix.of(address(a), Math.min(n, a.length * 8)));
  }

  @Property(tries = 2000)
  void theCanonicalTextParsesBackToTheSamePrefix(@ForAll("prefixes") IpPrefix p) {
    assertEquals(p, IpPrefix.parse(p.toString()));
    assertEquals(p.toString(), IpPrefix.parse(p.toString()).toString());
  }

  @Property(tries = 2000)
  void formattedAddressesParseBackToThemselves(@ForAll("addresses") byte[] a) throws Exception {
    String text = IpLiteral.format(address(a));
    // (InetAddress.getByAddress, like parse, gives IPv4-mapped addresses as IPv4)
    assertEquals(InetAddress.getByAddress(a), IpLiteral.parse(text), text);
    assertTrue(!text.contains(":::") && text.indexOf("::") == text.lastIndexOf("::"), text);
  }

  @Property(tries = 2000)
  void containsIsComparingTheFirstBitsOnly(
      @ForAll("prefixes") IpPrefix p, @ForAll("addresses") byte[] a) {
    boolean expected =
        a.length == p.toBytes().length
            && Arrays.equals(masked(a, p.bits()), masked(p.toBytes(), p.bits()));
    assertEquals(expected, p.contains(a));
    assertEquals(expected, p.contains(address(a)));
  }

  @Property(tries = 2000)
  void theAllocationFreeFormAgreesWithTheAddressForm(
      @ForAll("prefixes") IpPrefix p, @ForAll("addresses") byte[] a) {
    boolean v6 = a.length == 16;
    long hi = v6 ? word(a, 0, 8) : 0;
    long lo = v6 ? word(a, 8, 8) : word(a, 0, 4);
    assertEquals(p.contains(a), p.contains(v6, hi, lo));
  }

  @Property(tries = 2000)
  void hostBitsAreClearedAndEveryHostOfTheNetworkIsInside(
      @ForAll("addresses") byte[] a, @ForAll @IntRange(min = 0, max = 128) int n) {
    int bits = Math.min(n, a.length * 8);
    IpPrefix p = IpPrefix.of(address(a), bits);
    assertTrue(p.contains(a), "the address it was made from");
    assertTrue(Arrays.equals(masked(a, bits), p.toBytes()), "the network address is masked");
    assertEquals(p, IpPrefix.of(p.address(), bits));
  }

  @Property(tries = 2000)
  void aPrefixContainsTheLongerPrefixesOfItsAddresses(
      @ForAll("prefixes") IpPrefix p, @ForAll @IntRange(min = 0, max = 128) int extra) {
    int longer = Math.min(p.bits() + extra, p.toBytes().length * 8);
    IpPrefix q = IpPrefix.of(p.address(), longer);
    assertTrue(p.contains(q));
    assertEquals(longer == p.bits(), q.contains(p));
  }

  private static InetAddress address(byte[] a) {
    try {
      return a.length == 16
          ? java.net.Inet6Address.getByAddress(null, a, -1)
          : InetAddress.getByAddress(a);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** The address with every bit past the first {@code bits} cleared, bit by bit. */
  private static byte[] masked(byte[] a, int bits) {
    byte[] m = a.clone();
    for (int i = 0; i < m.length * 8; i++) {
      if (i >= bits) {
        m[i / 8] &= (byte) ~(0x80 >>> (i % 8));
      }
    }
    return m;
  }

  private static long word(byte[] a, int from, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = v << 8 | (a[from + i] & 0xff);
    }
    return v;
  }
}
