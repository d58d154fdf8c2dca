package dev.trellis.proto.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Prefixes by example: parsing, canonical text, membership, and the reasons for refusals. */
class IpPrefixTest {

  @ParameterizedTest
  @CsvSource({
    "100.64.0.0/10, 100.64.0.0/10",
    "100.100.101.100/24, 100.100.101.0/24",
    "10.0.0.1, 10.0.0.1/32",
    "0.0.0.0/0, 0.0.0.0/0",
    "1.2.3.4/0, 0.0.0.0/0",
    "fd7a:115c:a1e0::/48, fd7a:115c:a1e0::/48",
    "FD7A:115C:A1E0:AB12:4843:CD96:626B:430B/48, fd7a:115c:a1e0::/48",
    "fd00::2, fd00::2/128",
    "::/0, ::/0",
    "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
    "2001:db8::ff/121, 2001:db8::80/121",
    "' 10.1.2.3/8 ', 10.0.0.0/8",
  })
  void parsesToTheCanonicalNetwork(String text, String canonical) {
    IpPrefix p = IpPrefix.parse(text);
    assertEquals(canonical, p.toString());
    assertEquals(p, IpPrefix.parse(canonical));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|empty IP prefix",
        "10.0.0.0/33|prefix length 33 is longer than 32 in '10.0.0.0/33'",
        "fd00::/129|prefix length 129 is longer than 128 in 'fd00::/129'",
        "10.0.0.256|malformed IP address '10.0.0.256'",
        "10.0.0.0/|malformed prefix length in '10.0.0.0/'",
        "10.0.0.0/-1|malformed prefix length in '10.0.0.0/-1'",
        "10.0.0.0/+8|malformed prefix length in '10.0.0.0/+8'",
        "10.0.0.0/0008|malformed prefix length in '10.0.0.0/0008'",
        "10.0.0.0/8/8|malformed prefix length in '10.0.0.0/8/8'",
        "db.example.com/24|malformed IP address 'db.example.com'",
      })
  void refusalsSayWhatIsWrong(String text, String message) {
    var e = assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void containsAddressesOfItsFamilyOnly() throws Exception {
    IpPrefix v4 = IpPrefix.parse("100.64.0.0/10");
    assertTrue(v4.contains(InetAddress.getByName("100.127.255.255")));
    assertFalse(v4.contains(InetAddress.getByName("100.128.0.0")));
    assertFalse(v4.contains(InetAddress.getByName("::100.64.0.1")));
    assertFalse(v4.contains(new byte[3]));
    IpPrefix v6 = IpPrefix.parse("fd7a:115c:a1e0::/48");
    assertTrue(v6.contains(InetAddress.getByName("fd7a:115c:a1e0:ffff::1")));
    assertFalse(v6.contains(InetAddress.getByName("fd7a:115c:a1e1::")));
    assertFalse(v6.contains(InetAddress.getByName("100.64.0.1")));
    assertTrue(IpPrefix.parse("::/0").contains(InetAddress.getByName("::1")));
  }

  @Test
  void theAllocationFreeFormMatchesPacketHeaderWords() {
    IpPrefix v4 = IpPrefix.parse("10.1.0.0/16");
    assertEquals(0x0a010000L, v4.lo());
    assertTrue(v4.contains(false, 0, 0x0a01ff07L));
    assertFalse(v4.contains(false, 0, 0x0a02ff07L));
    assertFalse(v4.contains(true, 0, 0x0a01ff07L));
    IpPrefix v6 = IpPrefix.parse("2001:db8::/32");
    assertEquals(0x20010db800000000L, v6.hi());
    assertTrue(v6.contains(true, 0x20010db8_1234_5678L, 42));
    assertFalse(v6.contains(true, 0x20010db9_0000_0000L, 0));
    IpPrefix host = IpPrefix.parse("2001:db8::8000:0:0:1");
    assertTrue(host.isHost());
    assertTrue(host.contains(true, 0x20010db800000000L, 0x8000000000000001L));
    assertFalse(host.contains(true, 0x20010db800000000L, 0x8000000000000000L));
  }

  @Test
  void prefixesContainLongerPrefixesWithin() {
    IpPrefix net = IpPrefix.parse("10.214.0.0/16");
    assertTrue(net.contains(IpPrefix.parse("10.214.3.0/24")));
    assertTrue(net.contains(net));
    assertFalse(net.contains(IpPrefix.parse("10.0.0.0/8")));
    assertFalse(net.contains(IpPrefix.parse("10.215.3.0/24")));
    assertFalse(IpPrefix.parse("::/0").contains(IpPrefix.parse("10.0.0.0/8")));
  }

  @Test
  void ofClearsHostBitsAndChecksTheLength() throws Exception {
    InetAddress a = InetAddress.getByName("10.0.0.1");
    assertEquals(IpPrefix.parse("10.0.0.0/24"), IpPrefix.of(a, 24));
    assertEquals(IpPrefix.parse("10.0.0.1/32"), IpPrefix.of(a));
    var e = assertThrows(IllegalArgumentException.class, () -> IpPrefix.of(a, 33));
    assertEquals("prefix length 33 out of range 0-32", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IpPrefix.of(null, 0));
  }

  @Test
  void anIpv6NetworkStaysIpv6EvenInTheMappedRange() {
    IpPrefix p = IpPrefix.parse("::ffff:0:0/96");
    assertTrue(p.isIpv6());
    assertInstanceOf(Inet6Address.class, p.address());
    assertEquals("::ffff:0.0.0.0/96", p.toString());
    assertEquals(p, IpPrefix.parse(p.toString()));
    IpPrefix host = IpPrefix.parse("::ffff:192.0.2.1");
    assertEquals(128, host.bits());
    assertEquals("::ffff:192.0.2.1/128", host.toString());
    assertEquals(host, IpPrefix.parse(host.toString()));
  }

  @Test
  void textIsSortedIntoNamesAndAddresses() {
    assertTrue(IpPrefix.looksLikePrefix("100.64.0.1"));
    assertTrue(IpPrefix.looksLikePrefix("10.0.0.256"));
    assertTrue(IpPrefix.looksLikePrefix("fd00::/8"));
    assertFalse(IpPrefix.looksLikePrefix("db"));
    assertFalse(IpPrefix.looksLikePrefix("nas-1"));
    assertFalse(IpPrefix.looksLikePrefix("100"));
    assertFalse(IpPrefix.looksLikePrefix("/8"));
    assertFalse(IpPrefix.looksLikePrefix(null));
  }
}
