package dev.trellis.ipam.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The pool's fixed points: its size, its ends, the addresses around each excluded range. */
class AddressPoolTest {
  private final AddressPool pool = AddressPool.standard();

  @Test
  void sizeIsTheSlashTenMinusTheExcludedAddresses() {
    assertEquals((1L << 22) - 1 - 1 - 512 - 1, pool.size());
  }

  @Test
  void firstAndLastAddresses() {
    assertEquals("100.64.0.1", pool.ipv4(0));
    assertEquals("100.64.0.2", pool.ipv4(1));
    assertEquals("100.127.255.254", pool.ipv4(pool.size() - 1));
  }

  @Test
  void skipsMagicDnsAndTheReservedSlash23() {
    long beforeDns = pool.ordinalOf(AddressPool.parseIpv4("100.100.100.99"));
    assertEquals("100.100.100.101", pool.ipv4(beforeDns + 1));
    assertEquals(-1, pool.ordinalOf(AddressPool.parseIpv4("100.100.100.100")));
    long beforeReserved = pool.ordinalOf(AddressPool.parseIpv4("100.115.91.255"));
    assertEquals("100.115.94.0", pool.ipv4(beforeReserved + 1));
    assertEquals(-1, pool.ordinalOf(AddressPool.parseIpv4("100.115.92.0")));
    assertEquals(-1, pool.ordinalOf(AddressPool.parseIpv4("100.115.93.255")));
    assertEquals(-1, pool.ordinalOf(AddressPool.parseIpv4("100.64.0.0")));
    assertEquals(-1, pool.ordinalOf(AddressPool.parseIpv4("100.128.0.1")));
    assertEquals(-1, pool.ordinalOf(AddressPool.parseIpv4("100.63.255.255")));
  }

  @Test
  void ipv6CarriesTheIpv4InItsLow32Bits() throws Exception {
    assertEquals("fd7a:115c:a1e0::6440:1", pool.ipv6(0));
    assertEquals(
        "fd7a:115c:a1e0::6440:100", pool.ipv6(pool.ordinalOf(AddressPool.parseIpv4("100.64.1.0"))));
    byte[] raw = InetAddress.getByName(pool.ipv6(12345)).getAddress();
    byte[] v4 = InetAddress.getByName(pool.ipv4(12345)).getAddress();
    assertEquals(0xfd, raw[0] & 0xff);
    for (int i = 0; i < 4; i++) {
      assertEquals(v4[i], raw[12 + i]);
    }
  }

  @Test
  void limitedPoolHoldsItsFirstOrdinalsOnly() {
    AddressPool small = AddressPool.limited(3);
    assertEquals("100.64.0.3", small.ipv4(2));
    assertThrows(IllegalArgumentException.class, () -> small.ipv4(3));
    assertEquals(-1, small.ordinalOf(AddressPool.parseIpv4("100.64.0.4")));
    assertThrows(IllegalArgumentException.class, () -> AddressPool.limited(0));
  }

  @Test
  void parsesOnlyDottedQuads() {
    assertEquals(-1, AddressPool.parseIpv4("100.64.0"));
    assertEquals(-1, AddressPool.parseIpv4("100.64.0.256"));
    assertEquals(-1, AddressPool.parseIpv4("100.64.0.01"));
    assertEquals(-1, AddressPool.parseIpv4("100.64..1"));
    assertEquals(-1, AddressPool.parseIpv4("a.b.c.d"));
    assertEquals(-1, AddressPool.parseIpv4(null));
    assertEquals(0xffffffffL, AddressPool.parseIpv4("255.255.255.255"));
  }
}
