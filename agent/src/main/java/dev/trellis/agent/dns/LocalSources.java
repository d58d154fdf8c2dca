package dev.trellis.agent.dns;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.HashSet;
import java.util.Set;

/**
 * Tells whether a query came from this host: its source is a loopback address or an address of one
 * of this host's interfaces. Linux drops packets that arrive from outside with one of the host's
 * own addresses as source ("martian source", unless {@code accept_local} is set), so this is a
 * second wall behind the input guard, for hosts where the guard could not be installed. The
 * interface addresses are re-read at most once a second, when an unknown source shows up.
 *
 * <p>Thread-safety: thread-safe (a volatile snapshot).
 */
final class LocalSources {
  private static final long REFRESH_NANOS = 1_000_000_000L;

  private volatile Set<InetAddress> known = Set.of();
  private volatile long readAt = System.nanoTime() - 2 * REFRESH_NANOS;

  /** Whether {@code source} is one of this host's own addresses. */
  boolean isLocal(InetAddress source) {
    if (source.isLoopbackAddress() || known.contains(source)) {
      return true;
    }
    long now = System.nanoTime();
    if (now - readAt >= REFRESH_NANOS) {
      readAt = now;
      known = read();
      return known.contains(source);
    }
    return false;
  }

  private static Set<InetAddress> read() {
    Set<InetAddress> out = new HashSet<>();
    try {
      var all = NetworkInterface.getNetworkInterfaces();
      while (all != null && all.hasMoreElements()) {
        var addresses = all.nextElement().getInetAddresses();
        while (addresses.hasMoreElements()) {
          InetAddress a = addresses.nextElement();
          if (a instanceof java.net.Inet6Address six && six.getScopeId() != 0) {
            try {
              a = InetAddress.getByAddress(six.getAddress()); // without the zone, as sources are
            } catch (java.net.UnknownHostException e) {
              continue;
            }
          }
          out.add(a);
        }
      }
    } catch (SocketException e) {
      // keep what is known
    }
    return Set.copyOf(out);
  }
}
