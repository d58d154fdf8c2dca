package dev.trellis.ipam.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Properties of the address arithmetic, each named after the invariant it checks. */
class AddressArithmeticPropertyTest {
  private static final AddressPool POOL = AddressPool.standard();
  private static final long BASE = AddressPool.parseIpv4("100.64.0.0");

  /** Ordinals anywhere in the pool, weighted towards the edges of the excluded ranges. */
  @Provide
  Arbitrary<Long> ordinals() {
    long dns = POOL.ordinalOf(AddressPool.parseIpv4("100.100.100.99"));
    long reserved = POOL.ordinalOf(AddressPool.parseIpv4("100.115.91.255"));
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, POOL.size() - 1),
        Arbitraries.longs().between(Math.max(0, dns - 3), dns + 3),
        Arbitraries.longs().between(reserved - 3, reserved + 3),
        Arbitraries.longs().between(0, 3),
        Arbitraries.longs().between(POOL.size() - 4, POOL.size() - 1));
  }

  @Property(tries = 3000)
  void everyOrdinalMapsIntoTheCgnatRangeAndNeverOntoAnExcludedAddress(
      @ForAll("ordinals") long ordinal) {
    long v4 = POOL.ipv4Value(ordinal);
    assertTrue(v4 > BASE && v4 < BASE + (1L << 22) - 1, AddressPool.dotted(v4));
    assertTrue(v4 != AddressPool.parseIpv4("100.100.100.100"));
    assertFalse(
        v4 >= AddressPool.parseIpv4("100.115.92.0")
            && v4 <= AddressPool.parseIpv4("100.115.93.255"),
        AddressPool.dotted(v4));
  }

  @Property(tries = 3000)
  void ordinalToAddressAndBackIsTheIdentity(@ForAll("ordinals") long ordinal) {
    assertEquals(ordinal, POOL.ordinalOf(POOL.ipv4Value(ordinal)));
    assertEquals(ordinal, POOL.ordinalOf(AddressPool.parseIpv4(POOL.ipv4(ordinal))));
  }

  @Property(tries = 3000)
  void distinctOrdinalsGetDistinctAddressesInOrder(
      @ForAll("ordinals") long a, @ForAll("ordinals") long b) {
    if (a != b) {
      assertEquals(Long.compare(a, b), Long.compare(POOL.ipv4Value(a), POOL.ipv4Value(b)));
      assertFalse(POOL.ipv6(a).equals(POOL.ipv6(b)));
    }
  }

  @Property(tries = 3000)
  void everyAddressOfTheSlashTenIsInThePoolOrExcludedNeverBoth(
      @ForAll @LongRange(min = 0, max = (1L << 22) - 1) long offset) {
    long v4 = BASE + offset;
    long ordinal = POOL.ordinalOf(v4);
    boolean excluded =
        offset == 0
            || offset == (1L << 22) - 1
            || v4 == AddressPool.parseIpv4("100.100.100.100")
            || (v4 >= AddressPool.parseIpv4("100.115.92.0")
                && v4 <= AddressPool.parseIpv4("100.115.93.255"));
    assertEquals(excluded, ordinal < 0);
    if (!excluded) {
      assertEquals(v4, POOL.ipv4Value(ordinal));
    }
  }

  @Property(tries = 2000)
  void ipv6IsTheUlaPrefixWithTheIpv4AsLow32BitsInCanonicalForm(@ForAll("ordinals") long ordinal)
      throws Exception {
    String text = POOL.ipv6(ordinal);
    InetAddress parsed = InetAddress.getByName(text);
    assertTrue(parsed instanceof Inet6Address);
    byte[] raw = parsed.getAddress();
    byte[] prefix = {(byte) 0xfd, 0x7a, 0x11, 0x5c, (byte) 0xa1, (byte) 0xe0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < prefix.length; i++) {
      assertEquals(prefix[i], raw[i], text);
    }
    long low =
        ((raw[12] & 0xffL) << 24)
            | ((raw[13] & 0xffL) << 16)
            | ((raw[14] & 0xffL) << 8)
            | (raw[15] & 0xffL);
    assertEquals(POOL.ipv4Value(ordinal), low);
    assertFalse(text.contains(":0:"), "zeros compressed: " + text);
    assertEquals(text, text.toLowerCase(java.util.Locale.ROOT));
  }

  @Property(tries = 2000)
  void parsingTheTextOfAValueGivesTheValue(
      @ForAll @LongRange(min = 0, max = 0xffffffffL) long value) {
    assertEquals(value, AddressPool.parseIpv4(AddressPool.dotted(value)));
  }

  @Property(tries = 2000)
  void parsingArbitraryTextNeverThrows(@ForAll String text) {
    long v = AddressPool.parseIpv4(text);
    assertTrue(v >= -1 && v <= 0xffffffffL);
  }
}
