package dev.trellis.agent.daemon;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.netmap.NetmapListener;
import dev.trellis.agent.paths.PathListener;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PacketFilter;
import dev.trellis.proto.key.NodePublicKey;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The daemon's log of what changed in the tailnet as this device sees it, one line each: a peer
 * added or removed, a new packet filter (a policy update), a peer's path moving between direct
 * (with the endpoint) and the relay, and warnings as this device's key nears expiry (14 days, 1
 * day, 1 hour) and when it has expired. Names come from the netmap and are escaped ({@link
 * LogText}): a peer chooses its own hostname.
 *
 * <pre>
 * trellisd: peer added: "db.tail.example" 100.64.0.7
 * trellisd: path "db.tail.example": direct 192.0.2.7:41641 (was relay; pong in 3 ms)
 * trellisd: path "db.tail.example": relay (was direct 192.0.2.7:41641; direct path silent)
 * trellisd: policy updated: packet filter of 4 rules
 * trellisd: warning: this device's key expires in 13 days (2026-12-20T10:00:00Z); run 'trellis up --force-reauth'
 * </pre>
 *
 * <p>Thread-safety: {@link #applied} runs on the netmap applier's thread, {@link #changed} on the
 * path layer's, {@link #tick} on the periodic thread; all are synchronised on {@code this} and only
 * print.
 */
final class ChangeLog implements NetmapListener, PathListener {
  /** How long before this device's key expires the warnings begin. */
  static final Duration WARN_BEFORE = Duration.ofDays(14);

  private static final Duration[] LEVELS = {
    WARN_BEFORE, Duration.ofDays(1), Duration.ofHours(1), Duration.ZERO
  };

  private final PrintStream log;
  private final Supplier<Instant> clock;
  private final Supplier<Netmap> current;
  private Netmap last = Netmap.EMPTY; // guarded by this
  private Instant warnedFor; // guarded by this: the expiry the level below is about
  private int warnedLevel = -1; // guarded by this: the last level warned of, -1 none

  /**
   * @param current the netmap as last folded (names for path changes, which can come before the
   *     snapshot that added the peer reaches {@link #applied})
   */
  ChangeLog(PrintStream log, Supplier<Instant> clock, Supplier<Netmap> current) {
    this.log = log;
    this.clock = clock;
    this.current = current;
  }

  @Override
  public synchronized void applied(Netmap netmap) {
    Netmap before = last;
    last = netmap;
    if (!netmap.hasSelf()) {
      if (before.hasSelf()) {
        log.println("trellisd: tunnel stopped: no peers");
      }
      return;
    }
    for (Node n : netmap.peers().values()) {
      if (!before.peers().containsKey(n.getId())) {
        log.println("trellisd: peer added: " + describe(n));
      }
    }
    for (Node n : before.peers().values()) {
      if (!netmap.peers().containsKey(n.getId())) {
        log.println("trellisd: peer removed: " + describe(n));
      }
    }
    PacketFilter f = netmap.packetFilter();
    if (before.hasSelf() && !f.equals(before.packetFilter())) {
      log.println("trellisd: policy updated: packet filter of " + f.getRulesCount() + " rules");
    }
    tick();
  }

  @Override
  public synchronized void changed(
      NodePublicKey peer, Endpoint route, String now, String was, String why) {
    String name = peer.toString();
    for (Node n : current.get().peers().values()) {
      if (n.getNodeKey().size() == 32
          && NodePublicKey.fromBytes(n.getNodeKey().toByteArray()).equals(peer)) {
        name = name(n);
        break;
      }
    }
    log.println("trellisd: path " + name + ": " + now + " (was " + was + "; " + why + ")");
  }

  /** Warns once per level as this device's key nears its expiry (called periodically). */
  synchronized void tick() {
    if (!last.hasSelf() || !last.self().hasKeyExpiry()) {
      return;
    }
    Instant expiry =
        Instant.ofEpochSecond(
            last.self().getKeyExpiry().getSeconds(), last.self().getKeyExpiry().getNanos());
    if (!expiry.equals(warnedFor)) {
      warnedFor = expiry; // a renewed key starts the warnings over
      warnedLevel = -1;
    }
    Duration left = Duration.between(clock.get(), expiry);
    int level = -1;
    for (int i = 0; i < LEVELS.length; i++) {
      if (left.compareTo(LEVELS[i]) <= 0) {
        level = i;
      }
    }
    if (level <= warnedLevel) {
      return;
    }
    warnedLevel = level;
    if (left.isNegative() || left.isZero()) {
      log.println(
          "trellisd: warning: this device's key expired at "
              + expiry
              + "; run 'trellis up --force-reauth' to sign in again");
    } else {
      log.println(
          "trellisd: warning: this device's key expires in "
              + remaining(left)
              + " ("
              + expiry
              + "); run 'trellis up --force-reauth' to renew it");
    }
  }

  /** "13 days", "5 hours", "12 minutes". */
  static String remaining(Duration d) {
    if (d.toDays() >= 1) {
      return d.toDays() + (d.toDays() == 1 ? " day" : " days");
    }
    if (d.toHours() >= 1) {
      return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    }
    long m = Math.max(1, d.toMinutes());
    return m + (m == 1 ? " minute" : " minutes");
  }

  private static String describe(Node n) {
    String v4 = "";
    for (String a : n.getAddressesList()) {
      if (!a.contains(":")) {
        v4 = " " + a.substring(0, a.indexOf('/') < 0 ? a.length() : a.indexOf('/'));
        break;
      }
    }
    return name(n) + v4 + (n.getKeyExpired() ? " (key expired)" : "");
  }

  /** The peer's name as a quoted, escaped string (its id when it has none). */
  private static String name(Node n) {
    String s =
        n.getName().endsWith(".")
            ? n.getName().substring(0, n.getName().length() - 1)
            : n.getName();
    return "\"" + LogText.escape(s.isEmpty() ? n.getId() : s) + "\"";
  }
}
