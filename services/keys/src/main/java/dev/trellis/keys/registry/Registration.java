package dev.trellis.keys.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trellis.keys.journal.KeysLog;
import dev.trellis.keys.state.NodeStore;
import dev.trellis.keys.state.Tailnets;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.DiscoKeyChanged;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeAuthorized;
import dev.trellis.proto.event.v1.NodeKeyRotated;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.TextField;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Registers a device as a node, or re-authenticates the node its machine already is. Decisions hold
 * across instances: registrations of one machine in one tailnet are serialised by a cluster-wide
 * lock and each one waits until the projection shows its events before releasing it; a node key is
 * claimed before it is recorded, so a key held by another machine is refused ({@code
 * NODE_KEY_IN_USE}); a MagicDNS name is claimed the same way.
 *
 * <p>Thread-safety: thread-safe; blocking (run on command threads).
 */
public final class Registration {
  /** How long node keys live when the tailnet does not say. */
  public static final Duration DEFAULT_KEY_EXPIRY = Duration.ofDays(180);

  private static final int MAX_NAME_ATTEMPTS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Tailnets tailnets;
  private final NodeStore store;
  private final NodeClaims claims;
  private final KeysLog log;
  private final Events events;
  private final Clock clock;

  public Registration(
      Tailnets tailnets,
      NodeStore store,
      NodeClaims claims,
      KeysLog log,
      Events events,
      Clock clock) {
    this.tailnets = tailnets;
    this.store = store;
    this.claims = claims;
    this.log = log;
    this.events = events;
    this.clock = clock;
  }

  /** A validated request: keys parsed, text bounded. */
  record Checked(
      String tailnetId,
      byte[] machineKey,
      byte[] nodeKey,
      byte[] discoKey,
      String hostname,
      String os,
      String userId,
      List<String> tags,
      boolean ephemeral,
      String authKeyId,
      boolean preapproved) {}

  /**
   * Checks what {@link #register} would check first, changing nothing: the request's fields, the
   * tailnet, and that no other machine holds the node key.
   */
  public void verify(RegisterRequest req) {
    Checked c = check(req);
    tailnets.byId(c.tailnetId()).orElseThrow(() -> ApiException.of(ErrorCode.TAILNET_NOT_FOUND));
    String self = store.idByMachine(c.tailnetId(), c.machineKey()).orElse(null);
    if (claims.nodeKeyTaken(c.nodeKey(), self)) {
      throw ApiException.of(
          ErrorCode.NODE_KEY_IN_USE, "This node key is registered to another machine.");
    }
  }

  /** Registers or re-authenticates; see the class doc. */
  public RegisterResult register(RegisterRequest req, Actor actor) {
    Checked c = check(req);
    TailnetRecord tailnet =
        tailnets
            .byId(c.tailnetId())
            .orElseThrow(() -> ApiException.of(ErrorCode.TAILNET_NOT_FOUND));
    return claims.withMachineLock(
        c.tailnetId(),
        c.machineKey(),
        () -> {
          var existing = store.idByMachine(c.tailnetId(), c.machineKey()).flatMap(store::byId);
          return existing.isPresent()
              ? reauthenticate(existing.get(), c, tailnet, actor)
              : create(c, tailnet, actor);
        });
  }

  private RegisterResult create(Checked c, TailnetRecord tailnet, Actor actor) {
    String nodeId = newNodeId();
    if (!claims.claimNodeKey(c.nodeKey(), nodeId)) {
      throw ApiException.of(
          ErrorCode.NODE_KEY_IN_USE, "This node key is registered to another machine.");
    }
    String name = null;
    try {
      name = claimName(c.tailnetId(), MagicName.base(c.hostname()), nodeId);
      Instant now = clock.instant();
      Timestamp expiry = expiry(tailnet, now);
      boolean approved = c.preapproved() || !tailnet.getSettings().getDeviceApprovalRequired();
      NodeRegistered.Builder p =
          NodeRegistered.newBuilder()
              .setNodeId(nodeId)
              .setMachineKey(ByteString.copyFrom(c.machineKey()))
              .setNodeKey(ByteString.copyFrom(c.nodeKey()))
              .setDiscoKey(ByteString.copyFrom(c.discoKey()))
              .setHostname(c.hostname())
              .setOs(c.os())
              .setUserId(c.tags().isEmpty() ? c.userId() : "")
              .addAllTags(c.tags())
              .setEphemeral(c.ephemeral())
              .setAuthKeyId(c.authKeyId())
              .setName(name)
              .setApproved(approved);
      if (expiry != null) {
        p.setKeyExpiry(expiry);
      }
      log.appendAndApply(
          events
              .draft(c.tailnetId(), nodeId, actor, p.build())
              .subject("node " + name + " registered" + (approved ? "" : " (awaiting approval)"))
              .build());
      return new RegisterResult(nodeId, name, iso(expiry), approved, true);
    } catch (RuntimeException e) {
      claims.releaseNodeKey(c.nodeKey(), nodeId);
      if (name != null) {
        claims.releaseName(c.tailnetId(), name, nodeId);
      }
      throw e;
    }
  }

  private RegisterResult reauthenticate(
      NodeRecord node, Checked c, TailnetRecord tailnet, Actor actor) {
    String nodeId = node.getNodeId();
    byte[] current = node.getNodeKey().toByteArray();
    boolean newKey = !Arrays.equals(current, c.nodeKey());
    if (!newKey && node.getRevoked()) {
      throw ApiException.of(
          ErrorCode.NODE_KEY_REVOKED, "This node key was revoked; register with a new node key.");
    }
    if (newKey && !claims.claimNodeKey(c.nodeKey(), nodeId)) {
      throw ApiException.of(
          ErrorCode.NODE_KEY_IN_USE, "This node key is registered to another machine.");
    }
    List<EventEnvelope> out = new ArrayList<>();
    Timestamp expiry = node.hasKeyExpiry() ? node.getKeyExpiry() : null;
    if (newKey || node.getExpired()) {
      expiry = node.getKeyExpiryDisabled() ? null : expiry(tailnet, clock.instant());
      NodeKeyRotated.Builder p =
          NodeKeyRotated.newBuilder()
              .setNodeId(nodeId)
              .setOldNodeKey(node.getNodeKey())
              .setNewNodeKey(ByteString.copyFrom(c.nodeKey()));
      if (expiry != null) {
        p.setKeyExpiry(expiry);
      }
      out.add(
          events
              .draft(c.tailnetId(), nodeId, actor, p.build())
              .subject(
                  "node "
                      + node.getName()
                      + (newKey ? " rotated its node key" : " renewed its expired node key"))
              .build());
    }
    if (c.discoKey().length > 0 && !Arrays.equals(node.getDiscoKey().toByteArray(), c.discoKey())) {
      out.add(
          events
              .draft(
                  c.tailnetId(),
                  nodeId,
                  actor,
                  DiscoKeyChanged.newBuilder()
                      .setNodeId(nodeId)
                      .setOldDiscoKey(node.getDiscoKey())
                      .setNewDiscoKey(ByteString.copyFrom(c.discoKey()))
                      .build())
              .subject("node " + node.getName() + " changed its disco key")
              .build());
    }
    boolean approved = node.getApproved();
    if (!approved && (c.preapproved() || !tailnet.getSettings().getDeviceApprovalRequired())) {
      approved = true;
      out.add(
          events
              .draft(
                  c.tailnetId(),
                  nodeId,
                  actor,
                  NodeAuthorized.newBuilder().setNodeId(nodeId).setName(node.getName()).build())
              .subject("node " + node.getName() + " authorized by a pre-approved key")
              .build());
    }
    try {
      log.appendAndApply(out);
    } catch (RuntimeException e) {
      if (newKey) {
        claims.releaseNodeKey(c.nodeKey(), nodeId);
      }
      throw e;
    }
    if (newKey) {
      claims.releaseNodeKey(current, nodeId);
    }
    return new RegisterResult(nodeId, node.getName(), iso(expiry), approved, false);
  }

  private String claimName(String tailnetId, String base, String nodeId) {
    for (int n = 0; n < MAX_NAME_ATTEMPTS; n++) {
      String candidate = MagicName.candidate(base, n);
      if (claims.claimName(tailnetId, candidate, nodeId)) {
        return candidate;
      }
    }
    throw ApiException.of(ErrorCode.CONFLICT, "No free name for '" + base + "' in this tailnet.");
  }

  /** When a key issued at {@code now} expires under the tailnet's setting; null for never. */
  public static Timestamp expiry(TailnetRecord tailnet, Instant now) {
    Duration d =
        tailnet.getSettings().hasNodeKeyExpiry()
            ? Duration.ofSeconds(tailnet.getSettings().getNodeKeyExpiry().getSeconds())
            : DEFAULT_KEY_EXPIRY;
    if (d.isZero() || d.isNegative()) {
      return null;
    }
    Instant at = now.plus(d);
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }

  /** ISO-8601 text of a timestamp, or null. */
  public static String iso(Timestamp t) {
    return t == null ? null : Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }

  private static String newNodeId() {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    return "n" + HexFormat.of().formatHex(id);
  }

  static Checked check(RegisterRequest r) {
    String tailnetId = text(r.tailnetId(), "tailnetId", 128, true);
    byte[] machine = key("machineKey", r.machineKey(), MachinePublicKey::parse);
    byte[] node = key("nodeKey", r.nodeKey(), NodePublicKey::parse);
    byte[] disco =
        r.discoKey() == null || r.discoKey().isEmpty()
            ? new byte[0]
            : key("discoKey", r.discoKey(), DiscoPublicKey::parse);
    if (r.oldNodeKey() != null && !r.oldNodeKey().isEmpty()) {
      key("oldNodeKey", r.oldNodeKey(), NodePublicKey::parse);
    }
    return new Checked(
        tailnetId,
        machine,
        node,
        disco,
        text(r.hostname(), "hostname", 255, false),
        text(r.os(), "os", 64, false),
        text(r.userId(), "userId", 128, false),
        Tags.check(r.tags(), "tags"),
        Boolean.TRUE.equals(r.ephemeral()),
        text(r.authKeyId(), "authKeyId", 128, false),
        Boolean.TRUE.equals(r.preapproved()));
  }

  private interface KeyParser {
    Object parse(String text);
  }

  private static byte[] key(String field, String text, KeyParser parser) {
    if (text == null || text.isEmpty()) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, field, "A key is required.");
    }
    try {
      Object k = parser.parse(text);
      return switch (k) {
        case MachinePublicKey m -> m.toBytes();
        case NodePublicKey n -> n.toBytes();
        case DiscoPublicKey d -> d.toBytes();
        default -> throw new IllegalStateException("unexpected key type");
      };
    } catch (IllegalArgumentException e) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, field, "Not a valid key text.");
    }
  }

  static String text(String value, String field, int max, boolean required) {
    if (value == null || value.isEmpty()) {
      if (required) {
        throw ApiException.field(ErrorCode.BAD_REQUEST, field, "This field is required.");
      }
      return "";
    }
    return TextField.check(value, field, max);
  }
}
