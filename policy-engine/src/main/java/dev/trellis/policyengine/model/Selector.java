package dev.trellis.policyengine.model;

import dev.trellis.proto.net.IpPrefix;

/**
 * Who or what a policy entry names: a source, a destination, a tag owner or a test subject. Parsed
 * from text such as {@code "*"}, {@code "alice@example.com"}, {@code "group:eng"}, {@code
 * "tag:server"}, a host alias, an IP or CIDR, or an {@code autogroup:}.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface Selector {
  /** {@code *}: every node (as a source: any address). */
  record Any() implements Selector {
    @Override
    public String toString() {
      return "*";
    }
  }

  /** A user's untagged nodes, by login (email). */
  record User(String login) implements Selector {
    @Override
    public String toString() {
      return login;
    }
  }

  /** The untagged nodes of a group's members; name includes "group:". */
  record Group(String name) implements Selector {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Nodes carrying a tag; name includes "tag:". */
  record Tag(String name) implements Selector {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A host alias from the {@code hosts} section, resolved to its prefix. */
  record Host(String alias, IpPrefix prefix) implements Selector {
    @Override
    public String toString() {
      return alias;
    }
  }

  /** A literal IP address or CIDR. */
  record Ip(IpPrefix prefix) implements Selector {
    @Override
    public String toString() {
      return prefix.toString();
    }
  }

  /** {@code autogroup:member}: every untagged node of a user. */
  record Member() implements Selector {
    @Override
    public String toString() {
      return "autogroup:member";
    }
  }

  /** {@code autogroup:tagged}: every tagged node. */
  record Tagged() implements Selector {
    @Override
    public String toString() {
      return "autogroup:tagged";
    }
  }

  /** {@code autogroup:admin}: untagged nodes of users with the owner or admin role. */
  record Admin() implements Selector {
    @Override
    public String toString() {
      return "autogroup:admin";
    }
  }

  /** {@code autogroup:self} (destinations only): the source user's own untagged nodes. */
  record Self() implements Selector {
    @Override
    public String toString() {
      return "autogroup:self";
    }
  }

  /**
   * {@code autogroup:internet} (destinations only): the internet through exit nodes — nodes with
   * 0.0.0.0/0 and ::/0 in force, destination prefixes 0.0.0.0/0 and ::/0.
   */
  record Internet() implements Selector {
    @Override
    public String toString() {
      return "autogroup:internet";
    }
  }

  /** The prefix of an address selector ({@link Ip} or {@link Host}), else null. */
  default IpPrefix prefixOrNull() {
    return switch (this) {
      case Ip ip -> ip.prefix();
      case Host h -> h.prefix();
      default -> null;
    };
  }
}
