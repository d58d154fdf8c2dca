package dev.trellis.identity.dns;

import static dev.trellis.identity.dns.DnsValidation.clip;
import static dev.trellis.identity.dns.DnsValidation.fail;

import dev.trellis.proto.net.IpLiteral;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Resolver addresses in DNS settings: an IP address with an optional port ({@code 10.0.0.53},
 * {@code 10.0.0.53:5353}, {@code [fd00::53]:53}) or an {@code https://} DNS-over-HTTPS URL, in one
 * normal form (port 53 left out, IPv6 in its shortest form, a URL's host in lower case and {@code
 * /dns-query} when it has no path). Never a host name (it would take DNS to find DNS), the
 * unspecified, multicast or broadcast address, or the devices' own resolver (a loop). Refusals are
 * {@code VALIDATION_FAILED} naming the field.
 *
 * <p>Thread-safety: stateless.
 */
final class ResolverText {
  private ResolverText() {}

  /** One resolver in its normal form ({@code 10.0.0.53}, {@code 10.0.0.53:5353}, a URL). */
  static String resolver(String field, String text) {
    if (text == null || text.isBlank()) {
      throw fail(field, "A resolver address is required.");
    }
    String t = text.strip();
    if (t.regionMatches(true, 0, "https://", 0, 8)) {
      return doh(field, t);
    }
    if (t.contains("://")) {
      throw fail(field, "Resolvers are IP addresses or https:// (DNS over HTTPS) URLs.");
    }
    String host = t;
    Integer port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw fail(field, "'" + clip(t) + "' has '[' without ']'.");
      }
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw fail(field, "Expected [address]:port, got '" + clip(t) + "'.");
        }
        port = port(field, rest.substring(1));
      }
    } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      host = t.substring(0, t.indexOf(':'));
      port = port(field, t.substring(t.indexOf(':') + 1));
    }
    InetAddress ip = ip(field, host);
    if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
      throw fail(field, "'" + host + "' cannot be a resolver (unspecified or multicast).");
    }
    if (ip.getHostAddress().equals("255.255.255.255")) {
      throw fail(field, "The broadcast address cannot be a resolver.");
    }
    if (ip.getHostAddress().equals("100.100.100.100")
        || ip.getHostAddress().equals("fd7a:115c:a1e0:0:0:0:0:53")) {
      throw fail(field, "That is the devices' own resolver; forwarding to it would loop.");
    }
    String norm = text(ip);
    if (port == null || port == 53) {
      return norm;
    }
    return (ip instanceof Inet6Address ? "[" + norm + "]" : norm) + ":" + port;
  }

  private static String doh(String field, String t) {
    try {
      URI u = new URI(t);
      if (u.getHost() == null
          || u.getUserInfo() != null
          || u.getFragment() != null
          || t.length() > 512) {
        throw fail(
            field, "A DNS-over-HTTPS URL is https://host[:port]/path, at most 512 characters.");
      }
      return "https://"
          + u.getRawAuthority().toLowerCase(Locale.ROOT)
          + (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/dns-query" : u.getRawPath())
          + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    } catch (URISyntaxException e) {
      throw fail(field, "'" + clip(t) + "' is not a URL.");
    }
  }

  private static int port(String field, String text) {
    try {
      int p = Integer.parseInt(text);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw fail(field, "'" + clip(text) + "' is not a port (1-65535).");
  }

  /** A numeric IP address; never looks anything up. */
  static InetAddress ip(String field, String text) {
    try {
      return IpLiteral.parse(text);
    } catch (IllegalArgumentException e) {
      throw fail(
          field,
          "'"
              + clip(text)
              + "' is not an IP address (host names are not accepted: finding them would need"
              + " DNS).");
    }
  }

  /** The canonical text of an address ({@code fd00::53}, {@code 10.0.0.53}). */
  static String text(InetAddress ip) {
    return IpLiteral.format(ip);
  }
}
