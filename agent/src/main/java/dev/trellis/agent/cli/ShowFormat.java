package dev.trellis.agent.cli;

import dev.trellis.agent.device.PeerStatus;
import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.proto.net.IpLiteral;
import dev.trellis.proto.net.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link InterfaceStatus} the way {@code wg show} does: the interface, then each peer
 * with endpoint, allowed IPs, latest handshake ("N seconds ago"), transfer ("X KiB received, Y KiB
 * sent") and persistent keepalive; optionally the counters.
 *
 * <p>Thread-safety: stateless.
 */
final class ShowFormat {
  private ShowFormat() {}

  static String render(InterfaceStatus s, Instant now, boolean counters) {
    StringBuilder b = new StringBuilder();
    b.append("interface: ").append(s.name()).append('\n');
    if (s.publicKey() != null) {
      b.append("  public key: ").append(s.publicKey().toBase64()).append('\n');
    }
    b.append("  private key: (hidden)\n");
    b.append("  listening port: ").append(s.listenPort()).append('\n');
    for (PeerStatus p : s.peers()) {
      b.append('\n').append("peer: ").append(p.publicKey().toBase64()).append('\n');
      if (p.endpoint() != null) {
        String host = IpLiteral.format(p.endpoint().address());
        boolean v6 = p.endpoint().address() instanceof java.net.Inet6Address;
        b.append("  endpoint: ")
            .append(v6 ? "[" + host + "]" : host)
            .append(':')
            .append(p.endpoint().port())
            .append('\n');
      }
      b.append("  allowed ips: ").append(allowed(p.allowedIps())).append('\n');
      if (p.latestHandshake() != null) {
        b.append("  latest handshake: ")
            .append(ago(Duration.between(p.latestHandshake(), now)))
            .append('\n');
      }
      if (p.rxBytes() > 0 || p.txBytes() > 0) {
        b.append("  transfer: ")
            .append(bytes(p.rxBytes()))
            .append(" received, ")
            .append(bytes(p.txBytes()))
            .append(" sent\n");
      }
      if (!p.persistentKeepalive().isZero()) {
        b.append("  persistent keepalive: every ")
            .append(plural(p.persistentKeepalive().toSeconds(), "second"))
            .append('\n');
      }
    }
    if (counters) {
      b.append("\ncounters:\n");
      for (Map.Entry<String, Long> c : s.counters().entrySet()) {
        b.append("  ").append(c.getKey()).append(": ").append(c.getValue()).append('\n');
      }
    }
    return b.toString();
  }

  private static String allowed(List<IpPrefix> ips) {
    if (ips.isEmpty()) {
      return "(none)";
    }
    List<String> parts = new ArrayList<>();
    for (IpPrefix p : ips) {
      parts.add(p.toString());
    }
    return String.join(", ", parts);
  }

  /** "1 hour, 2 minutes, 3 seconds ago", or "Now" as wg prints. */
  static String ago(Duration d) {
    long secs = Math.max(0, d.toSeconds());
    if (secs == 0) {
      return "Now";
    }
    List<String> parts = new ArrayList<>();
    long days = secs / 86400;
    long hours = secs / 3600 % 24;
    long minutes = secs / 60 % 60;
    long seconds = secs % 60;
    if (days > 0) {
      parts.add(plural(days, "day"));
    }
    if (hours > 0) {
      parts.add(plural(hours, "hour"));
    }
    if (minutes > 0) {
      parts.add(plural(minutes, "minute"));
    }
    if (seconds > 0) {
      parts.add(plural(seconds, "second"));
    }
    return String.join(", ", parts) + " ago";
  }

  /** "512 B", "1.50 KiB", "3.20 MiB", as wg prints. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
  }

  private static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
