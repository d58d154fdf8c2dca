package dev.trellis.policyengine.model;

import java.util.List;

/**
 * One destination of a rule: whom it names and which ports on them.
 *
 * <p>Thread-safety: immutable.
 */
public record Target(Selector selector, List<PortRange> ports) {
  public Target {
    ports = List.copyOf(ports);
  }

  /** Whether the port is among this target's ports. */
  public boolean allowsPort(int port) {
    for (PortRange r : ports) {
      if (r.contains(port)) {
        return true;
      }
    }
    return false;
  }
}
