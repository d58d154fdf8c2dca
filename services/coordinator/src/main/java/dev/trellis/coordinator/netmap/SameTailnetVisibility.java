package dev.trellis.coordinator.netmap;

import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.control.v1.PacketFilter;

/**
 * The visibility before policy exists: every authorized node (approved, addressed, key neither
 * expired nor revoked) of a tailnet sees every other listed node of the same tailnet (authorized,
 * or authorized but for an expired key: shown as expired), and its filter accepts everything from
 * the tailnet. Nothing crosses tailnets.
 *
 * <p>Thread-safety: stateless.
 */
public final class SameTailnetVisibility implements PeerVisibility {
  private static final PacketFilter ALLOW_ALL =
      PacketFilter.newBuilder()
          .addRules(
              FilterRule.newBuilder()
                  .addSrcPrefixes("*")
                  .addDestinations(DestinationPorts.newBuilder().setPrefix("*")))
          .build();

  @Override
  public boolean sees(NodeView viewer, NodeView peer) {
    return viewer.tailnetId().equals(peer.tailnetId())
        && !viewer.id().equals(peer.id())
        && viewer.authorized()
        && peer.listed();
  }

  @Override
  public PacketFilter filterFor(NodeView viewer, TailnetView tailnet) {
    return viewer.authorized() ? ALLOW_ALL : PacketFilter.getDefaultInstance();
  }
}
