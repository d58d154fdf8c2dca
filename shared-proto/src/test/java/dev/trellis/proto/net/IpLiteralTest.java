package dev.trellis.proto.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Numeric addresses in, canonical text out, and nothing resolved. */
class IpLiteralTest {

  @Test
  void parsesBothFamiliesAndBrackets() throws Exception {
    assertEquals(InetAddress.getByName("192.0.2.1"), IpLiteral.parse(" 192.0.2.1 "));
    assertEquals(InetAddress.getByName("2001:db8::1"), IpLiteral.parse("2001:DB8::1"));
    assertEquals(InetAddress.getByName("2001:db8::1"), IpLiteral.parse("[2001:db8::1]"));
    assertInstanceOf(Inet4Address.class, IpLiteral.parse("::ffff:192.0.2.1"));
    assertInstanceOf(Inet6Address.class, IpLiteral.parse("::192.0.2.1"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "example.com",
        "10.0.0.256",
        "10.0.0",
        "10.1",
        "1.2.3.4.5",
        "1..2.3",
        "1234.1.1.1",
        "1:2:3",
        "fd00::1%eth0",
        "::g",
        "1.2.3.4 5"
      })
  void anythingButANumericAddressIsRefused(String text) {
    var e = assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse(text));
    assertEquals("malformed IP address '" + text + "'", e.getMessage());
  }

  @Test
  void controlCharactersInTheErrorAreEscapedAndLongTextIsCut() {
    var e = assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse("1.2\n3\u202e"));
    assertEquals("malformed IP address '1.2\\u000a3\\u202e'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse("9".repeat(100)));
    assertEquals("malformed IP address '" + "9".repeat(64) + "...'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse(null));
    assertEquals("malformed IP address (none)", e.getMessage());
  }

  @Test
  void ipv6IsWrittenInRfc5952Form() throws Exception {
    assertEquals("fd00::1", IpLiteral.format(InetAddress.getByName("fd00:0:0:0:0:0:0:1")));
    assertEquals("::", IpLiteral.format(InetAddress.getByName("::")));
    assertEquals("1:0:2::3", IpLiteral.format(InetAddress.getByName("1:0:2:0:0:0:0:3")));
    // the longest run wins, the first of equal runs, and one zero group stays as 0
    assertEquals("1::4:0:0:7:8", IpLiteral.format(InetAddress.getByName("1:0:0:4:0:0:7:8")));
    assertEquals("1:0:0:4::8", IpLiteral.format(InetAddress.getByName("1:0:0:4:0:0:0:8")));
    assertEquals("2001:db8:0:1:1:1:1:1", IpLiteral.format(IpLiteral.parse("2001:db8:0:1:1:1:1:1")));
    assertEquals("2001:db8::ab", IpLiteral.format(IpLiteral.parse("2001:0DB8::00AB")));
    assertEquals("192.0.2.1", IpLiteral.format(InetAddress.getByName("192.0.2.1")));
  }
}
