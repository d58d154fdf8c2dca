package dev.trellis.coordinator.netmap;

import dev.trellis.proto.control.v1.UserProfile;
import dev.trellis.proto.event.v1.DnsSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One tailnet in the coordinator's model: its name, DNS settings (and from them the MagicDNS suffix
 * of its nodes' names), nodes and user profiles.
 *
 * <p>Thread-safety: not thread-safe; owned by the {@link NetmapModel}'s single thread.
 */
public final class TailnetView {
  private final String id;
  private String name = "";
  private String legacySuffix = "";
  private DnsSettings dns = DnsSettings.getDefaultInstance();
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

  /**
   * The MagicDNS suffix of its nodes' names: the DNS settings' own, else the one an older tailnet
   * settings event named, else {@code <tailnet name>.trellis.internal}.
   */
  public String magicDnsSuffix() {
    if (!dns.getSuffix().isEmpty()) {
      return dns.getSuffix();
    }
    return legacySuffix.isEmpty() ? name + ".trellis.internal" : legacySuffix;
  }

  /** The tailnet's DNS settings (the defaults until an admin changed them). */
  public DnsSettings dns() {
    return dns;
  }

  void name(String n) {
    name = n;
  }

  void legacySuffix(String s) {
    legacySuffix = s;
  }

  void dns(DnsSettings s) {
    dns = s;
  }

  /** The node's fully qualified MagicDNS name with the trailing dot. */
  public String fqdn(String label) {
    return label + "." + magicDnsSuffix() + ".";
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
