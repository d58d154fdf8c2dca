package dev.trellis.coordinator.netmap;

import dev.trellis.proto.control.v1.UserProfile;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One tailnet in the coordinator's model: its name, MagicDNS suffix, nodes and user profiles.
 *
 * <p>Thread-safety: not thread-safe; owned by the {@link NetmapModel}'s single thread.
 */
public final class TailnetView {
  private final String id;
  private String name = "";
  private String magicDnsSuffix = "";
  private final Map<String, NodeView> nodes = new LinkedHashMap<>();
  private final Map<String, UserProfile> users = new HashMap<>();

  TailnetView(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String magicDnsSuffix() {
    return magicDnsSuffix;
  }

  void name(String n) {
    name = n;
  }

  void magicDnsSuffix(String s) {
    magicDnsSuffix = s;
  }

  /** The node's fully qualified MagicDNS name with the trailing dot. */
  public String fqdn(String label) {
    return magicDnsSuffix.isEmpty()
        ? label + "." + name + ".trellis.internal."
        : label + "." + magicDnsSuffix + ".";
  }

  /** Nodes by id (live view; do not modify). */
  public Map<String, NodeView> nodes() {
    return nodes;
  }

  /** User profiles by user id (live view; do not modify). */
  public Map<String, UserProfile> users() {
    return users;
  }
}
