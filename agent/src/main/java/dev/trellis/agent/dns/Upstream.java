package dev.trellis.agent.dns;

import dev.trellis.proto.net.IpLiteral;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * One upstream resolver: a plain DNS server ({@code 10.0.0.53}, {@code 10.0.0.53:5353}, {@code
 * [fd00::53]:53}) asked over UDP and TCP, or a DNS-over-HTTPS endpoint ({@code
 * https://dns.example/dns-query}, RFC 8484).
 *
 * @param address the server's address for plain DNS; null for DNS over HTTPS
 * @param doh the endpoint for DNS over HTTPS; null for plain DNS
 *     <p>Thread-safety: immutable.
 */
public record Upstream(InetSocketAddress address, URI doh) {
  /** A plain DNS upstream. */
  public static Upstream of(InetAddress ip, int port) {
    return new Upstream(new InetSocketAddress(ip, port), null);
  }

  /**
   * Parses the netmap's text form; null when it is not usable or is this resolver itself (which
   * would loop).
   */
  public static Upstream parse(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.strip();
    try {
      if (t.startsWith("https://")) {
        URI u = URI.create(t);
        return u.getHost() == null ? null : new Upstream(null, u);
      }
      String host = t;
      int port = ResolverAddress.PORT;
      if (t.startsWith("[")) {
        int close = t.indexOf(']');
        if (close < 0) {
          return null;
        }
        host = t.substring(1, close);
        if (close + 1 < t.length()) {
          if (t.charAt(close + 1) != ':') {
            return null;
          }
          port = Integer.parseInt(t.substring(close + 2));
        }
      } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
        host = t.substring(0, t.indexOf(':'));
        port = Integer.parseInt(t.substring(t.indexOf(':') + 1));
      }
      if (port <= 0 || port > 65535) {
        return null;
      }
      InetAddress ip = IpLiteral.parse(host);
      if (ResolverAddress.isOwn(ip) || ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
        return null;
      }
      return of(ip, port);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    if (doh != null) {
      return doh.toString();
    }
    String host = IpLiteral.format(address.getAddress());
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
