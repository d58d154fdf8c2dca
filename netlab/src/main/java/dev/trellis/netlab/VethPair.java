package dev.trellis.netlab;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two network namespaces of a {@link NetLab} on one wire: a veth pair {@code va}/{@code vb} with
 * {@code 192.168.N.1/24} in the first and {@code .2} in the second (N random in 20..219, so that
 * two pairs side by side in one namespace could not be confused in logs). The namespaces go with
 * the lab.
 *
 * <p>Thread-safety: immutable once built.
 *
 * @param nsA the first namespace
 * @param nsB the second namespace
 * @param net the N of {@code 192.168.N.0/24}
 * @param underlayA the first namespace's address on the wire
 * @param underlayB the second namespace's address on the wire
 */
public record VethPair(String nsA, String nsB, int net, String underlayA, String underlayB) {
  /** The link names in either namespace. */
  public static final String LINK_A = "va";

  public static final String LINK_B = "vb";

  /** Creates namespaces {@code baseA + tag} and {@code baseB + tag} joined by a veth pair. */
  public static VethPair create(NetLab lab, String baseA, String baseB) throws IOException {
    int net = 20 + ThreadLocalRandom.current().nextInt(200);
    VethPair p =
        new VethPair(
            lab.namespace(baseA),
            lab.namespace(baseB),
            net,
            "192.168." + net + ".1",
            "192.168." + net + ".2");
    lab.veth(p.nsA, LINK_A, p.nsB, LINK_B);
    lab.address(p.nsA, LINK_A, p.underlayA + "/24");
    lab.address(p.nsB, LINK_B, p.underlayB + "/24");
    lab.up(p.nsA, LINK_A);
    lab.up(p.nsB, LINK_B);
    return p;
  }
}
