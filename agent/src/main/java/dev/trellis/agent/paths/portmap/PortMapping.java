package dev.trellis.agent.paths.portmap;

import dev.trellis.agent.bind.Endpoint;
import java.net.InetAddress;

/**
 * What port mapping the gateway offers, as last seen by {@link PortMapper}.
 *
 * @param gateway the default gateway asked, or {@code null} if there is none
 * @param pcp whether it answered PCP
 * @param natPmp whether it answered NAT-PMP
 * @param external the external address it reported, or {@code null}
 * @param mapped the mapping in force for the WireGuard port, or {@code null}
 * @param protocol the protocol that made the mapping ("pcp", "nat-pmp"), or "" if none
 */
public record PortMapping(
    InetAddress gateway,
    boolean pcp,
    boolean natPmp,
    InetAddress external,
    Endpoint mapped,
    String protocol) {
  /** Nothing known (no gateway asked yet). */
  public static final PortMapping NONE = new PortMapping(null, false, false, null, null, "");
}
