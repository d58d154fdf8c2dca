package dev.trellis.agent.localapi;

import java.time.Instant;
import java.util.List;

/**
 * One node as {@code trellis status} shows it: this device or one of its peers.
 *
 * @param id the control plane's node id
 * @param name the MagicDNS name (without the trailing dot), or empty
 * @param addresses the node's tailnet addresses as CIDRs
 * @param nodeKey the node key's text form ({@code nodekey:...}), or empty
 * @param online whether the control plane says it is online; {@code null} if it does not say
 * @param lastHandshake the last WireGuard handshake with it, or {@code null} (never, or self)
 * @param endpoint the UDP endpoint in use ("ip:port"), or empty
 * @param connection "direct" (an endpoint is known), "idle" (none) or "self"
 * @param rxBytes bytes received from it
 * @param txBytes bytes sent to it
 * @param keyExpiry when its key expires, or {@code null} for never
 * @param expired whether its key has expired (then it gets no traffic)
 * @param os the operating system it reported ("linux", ...), or empty
 * @param owner who owns it: its tags ("tag:a,tag:b") or its user's login name, or empty
 * @param routes the routes it offers and carries, and whether it is (this device's) exit node
 *     <p>Thread-safety: immutable.
 */
public record NodeView(
    String id,
    String name,
    List<String> addresses,
    String nodeKey,
    Boolean online,
    Instant lastHandshake,
    String endpoint,
    String connection,
    long rxBytes,
    long txBytes,
    Instant keyExpiry,
    boolean expired,
    String os,
    String owner,
    NodeRoutes routes) {
  public NodeView {
    routes = routes == null ? NodeRoutes.NONE : routes;
    os = os == null ? "" : os;
    owner = owner == null ? "" : owner;
    id = id == null ? "" : id;
    name = name == null ? "" : name;
    addresses = List.copyOf(addresses);
    nodeKey = nodeKey == null ? "" : nodeKey;
    endpoint = endpoint == null ? "" : endpoint;
    connection = connection == null ? "" : connection;
  }

  /** A node without routes. */
  public NodeView(
      String id,
      String name,
      List<String> addresses,
      String nodeKey,
      Boolean online,
      Instant lastHandshake,
      String endpoint,
      String connection,
      long rxBytes,
      long txBytes,
      Instant keyExpiry,
      boolean expired,
      String os,
      String owner) {
    this(
        id,
        name,
        addresses,
        nodeKey,
        online,
        lastHandshake,
        endpoint,
        connection,
        rxBytes,
        txBytes,
        keyExpiry,
        expired,
        os,
        owner,
        NodeRoutes.NONE);
  }

  /** This node with {@code r} as its routes. */
  public NodeView withRoutes(NodeRoutes r) {
    return new NodeView(
        id,
        name,
        addresses,
        nodeKey,
        online,
        lastHandshake,
        endpoint,
        connection,
        rxBytes,
        txBytes,
        keyExpiry,
        expired,
        os,
        owner,
        r);
  }

  /** A node whose owner is not known. */
  public NodeView(
      String id,
      String name,
      List<String> addresses,
      String nodeKey,
      Boolean online,
      Instant lastHandshake,
      String endpoint,
      String connection,
      long rxBytes,
      long txBytes,
      Instant keyExpiry,
      boolean expired,
      String os) {
    this(
        id,
        name,
        addresses,
        nodeKey,
        online,
        lastHandshake,
        endpoint,
        connection,
        rxBytes,
        txBytes,
        keyExpiry,
        expired,
        os,
        "");
  }

  /** A node whose operating system and owner are not known. */
  public NodeView(
      String id,
      String name,
      List<String> addresses,
      String nodeKey,
      Boolean online,
      Instant lastHandshake,
      String endpoint,
      String connection,
      long rxBytes,
      long txBytes,
      Instant keyExpiry,
      boolean expired) {
    this(
        id,
        name,
        addresses,
        nodeKey,
        online,
        lastHandshake,
        endpoint,
        connection,
        rxBytes,
        txBytes,
        keyExpiry,
        expired,
        "");
  }
}
