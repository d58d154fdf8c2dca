package dev.trellis.coordinator.netmap;

/**
 * What one event changed in the {@link NetmapModel}; the stream layer turns it into frames for the
 * affected sessions.
 *
 * <p>Thread-safety: immutable values.
 */
public sealed interface ModelChange {
  /** The tailnet the change belongs to. */
  String tailnetId();

  /**
   * A node appeared ({@code before == null}), changed, or disappeared ({@code after == null}).
   *
   * @param tailnetId its tailnet
   * @param before the node before; null if new
   * @param after the node after; null if removed
   */
  record NodeChanged(String tailnetId, NodeView before, NodeView after) implements ModelChange {
    /** The node's id. */
    public String nodeId() {
      return after != null ? after.id() : before.id();
    }
  }

  /**
   * The policy (or a user's identity) changed who sees whom and what may reach which node.
   *
   * @param tailnetId the tailnet
   * @param filtersChanged nodes whose packet filter changed
   * @param added per node, peers it now sees
   * @param removed per node, peers it no longer sees
   */
  record PolicyChanged(
      String tailnetId,
      java.util.Set<String> filtersChanged,
      java.util.Map<String, java.util.Set<String>> added,
      java.util.Map<String, java.util.Set<String>> removed)
      implements ModelChange {}

  /**
   * The tailnet's DNS configuration changed.
   *
   * @param tailnetId the tailnet
   * @param namesChanged whether the MagicDNS suffix changed, and with it every node's name
   */
  record TailnetChanged(String tailnetId, boolean namesChanged) implements ModelChange {}

  /** The relay map changed (an instance started or stopped); concerns every tailnet. */
  record RelayMapChanged() implements ModelChange {
    @Override
    public String tailnetId() {
      return "";
    }
  }

  /** A signed-in user completed a device's interactive login. */
  record DeviceLoginCompleted(String tailnetId, String code, String userId)
      implements ModelChange {}
}
