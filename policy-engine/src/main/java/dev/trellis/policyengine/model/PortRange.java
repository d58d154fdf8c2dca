package dev.trellis.policyengine.model;

/**
 * An inclusive range of TCP/UDP/SCTP ports.
 *
 * <p>Thread-safety: immutable.
 */
public record PortRange(int first, int last) {
  /** Every port. */
  public static final PortRange ALL = new PortRange(0, 65535);

  public PortRange {
    if (first < 0 || last > 65535 || first > last) {
      throw new IllegalArgumentException("bad port range " + first + "-" + last);
    }
  }

  /** Whether the port lies in the range. */
  public boolean contains(int port) {
    return port >= first && port <= last;
  }

  @Override
  public String toString() {
    return equals(ALL) ? "*" : first == last ? Integer.toString(first) : first + "-" + last;
  }
}
