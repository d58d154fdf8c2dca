package dev.trellis.relay.config;

import dev.trellis.runtime.config.ConfigException;

/**
 * The UDP ports the UDP relay may give its sessions: one port per session, from {@code first} to
 * {@code last}; {@link #ANY} lets the system choose each (tests), {@link #OFF} turns the UDP relay
 * off. A range bounds the sessions an instance can hold and is what a firewall opens.
 *
 * <p>Thread-safety: immutable.
 *
 * @param first the first port (0 with last 0: any port; -1: off)
 * @param last the last port, inclusive
 */
public record UdpRelayPorts(int first, int last) {
  /** The UDP relay is off. */
  public static final UdpRelayPorts OFF = new UdpRelayPorts(-1, -1);

  /** Any free port for each session (tests). */
  public static final UdpRelayPorts ANY = new UdpRelayPorts(0, 0);

  /** Checks the range. */
  public UdpRelayPorts {
    boolean special = (first == -1 && last == -1) || (first == 0 && last == 0);
    if (!special && (first < 1 || last > 65535 || first > last)) {
      throw new ConfigException("--udp-relay-ports: " + first + "-" + last + " is not a range");
    }
  }

  /** {@code off}, {@code any}, {@code N} or {@code N-M}. */
  public static UdpRelayPorts parse(String text) {
    String t = text.strip();
    if (t.equals("off")) {
      return OFF;
    }
    if (t.equals("any")) {
      return ANY;
    }
    try {
      int dash = t.indexOf('-');
      if (dash < 0) {
        int p = Integer.parseInt(t);
        return new UdpRelayPorts(p, p);
      }
      return new UdpRelayPorts(
          Integer.parseInt(t.substring(0, dash).strip()),
          Integer.parseInt(t.substring(dash + 1).strip()));
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "--udp-relay-ports: '" + t + "' is not off, any, a port or a range N-M");
    }
  }

  /** Whether the UDP relay runs. */
  public boolean enabled() {
    return first >= 0;
  }

  /** How many sessions the range holds (Integer.MAX_VALUE for any). */
  public int size() {
    return !enabled() ? 0 : first == 0 ? Integer.MAX_VALUE : last - first + 1;
  }

  @Override
  public String toString() {
    return !enabled() ? "off" : first == 0 ? "any" : first + "-" + last;
  }
}
