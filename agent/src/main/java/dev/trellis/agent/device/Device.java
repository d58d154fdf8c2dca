package dev.trellis.agent.device;

import dev.trellis.agent.bind.Bind;
import dev.trellis.agent.bind.BindOpener;
import dev.trellis.agent.time.Clock;
import dev.trellis.agent.tun.Tun;
import dev.trellis.agent.wireguard.CookieChecker;
import dev.trellis.agent.wireguard.Handshake;
import dev.trellis.agent.wireguard.LocalIdentity;
import dev.trellis.agent.wireguard.RemoteIdentity;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.key.PresharedKey;
import dev.trellis.proto.net.IpPrefix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WireGuard device: joins a {@link Tun} and a UDP {@link Bind} through cryptokey routing. It
 * starts its pipeline threads on construction ({@code wg-tun-reader}, {@code wg-encrypt-N}, {@code
 * wg-udp-sender}, {@code wg-udp-receiver}, {@code wg-decrypt-N}, {@code wg-tun-writer}, {@code
 * wg-handshake}, {@code wg-timers}; see {@link Outbound} and {@link Inbound}) and takes its
 * configuration as one immutable snapshot through {@link #reconfigure}.
 *
 * <p>Thread-safety: all public methods are safe from any thread; {@link #reconfigure} and {@link
 * #close} are serialised on {@code this}.
 */
public final class Device implements AutoCloseable {
  private final Tun tun;
  private final BindOpener binds;
  private final Core core;
  private final Inbound inbound;
  private final List<Thread> threads = new ArrayList<>();

  // guarded by this
  private DeviceConfig config;
  private List<Peer> order = List.of();
  private Thread receiver;
  private boolean closed;

  /** Creates the device and starts its threads; it carries no traffic until configured. */
  public Device(Tun tun, BindOpener binds, Clock clock, DeviceOptions options) {
    this.tun = tun;
    this.binds = binds;
    this.core = new Core(clock, options, tun.mtu());
    Outbound outbound = new Outbound(core, tun);
    this.inbound = new Inbound(core, tun, 128);
    HandshakeWorker handshakes = new HandshakeWorker(core);
    TimerLoop timers = new TimerLoop(core);
    start("wg-tun-reader", outbound::readTun);
    for (int i = 0; i < options.cryptoWorkers(); i++) {
      start("wg-encrypt-" + i, outbound::encrypt);
      start("wg-decrypt-" + i, inbound::decrypt);
    }
    start("wg-udp-sender", outbound::sendUdp);
    start("wg-tun-writer", inbound::writeTun);
    start("wg-handshake", handshakes::run);
    start("wg-timers", timers::run);
  }

  private Thread start(String name, Runnable body) {
    Thread t = Thread.ofPlatform().name(name).daemon().unstarted(body);
    threads.add(t);
    t.start();
    return t;
  }

  /**
   * Applies a configuration snapshot: (re)opens the bind if the listen port changes, adds, updates
   * and removes peers, and keeps the sessions of peers whose key (and preshared key) is unchanged.
   */
  public synchronized void reconfigure(DeviceConfig next) throws IOException {
    if (closed) {
      throw new IOException("device is closed");
    }
    Bind bind = core.bind;
    if (bind == null || (next.listenPort() != 0 && next.listenPort() != bind.port())) {
      Bind opened = binds.open(next.listenPort());
      core.bind = opened;
      if (bind != null) {
        bind.close();
      }
      receiver = start("wg-udp-receiver", () -> inbound.receive(opened));
    }
    boolean keyChanged = config == null || !next.privateKey().sameAs(config.privateKey());
    LocalIdentity local = core.local;
    if (keyChanged) {
      local = new LocalIdentity(next.privateKey());
    }
    Map<NodePublicKey, Peer> old = keyChanged ? Map.of() : core.peers;
    Map<NodePublicKey, Peer> peers = new LinkedHashMap<>();
    AllowedIps<Peer> routes = new AllowedIps<>();
    List<Peer> newOrder = new ArrayList<>();
    for (PeerConfig pc : next.peers()) {
      if (pc.publicKey().equals(local == null ? null : publicOf(local))) {
        continue;
      }
      Peer p = old.get(pc.publicKey());
      if (p != null && samePsk(p.config.presharedKey(), pc.presharedKey())) {
        if (pc.endpoint() != null && !pc.endpoint().equals(p.config.endpoint())) {
          p.endpoint = pc.endpoint();
        }
        p.config = pc;
      } else {
        RemoteIdentity remote = new RemoteIdentity(local, pc.publicKey(), pc.presharedKey());
        p = new Peer(remote, new Handshake(local, remote), pc);
      }
      peers.put(pc.publicKey(), p);
      newOrder.add(p);
      for (IpPrefix prefix : pc.allowedIps()) {
        routes.insert(prefix, p);
      }
    }
    for (Peer p : core.peers.values()) {
      if (peers.get(p.remote.key()) != p) {
        core.zeroKeys(p);
      }
    }
    if (keyChanged) {
      core.checker = new CookieChecker(local);
      core.local = local;
    }
    core.routes = routes;
    core.peers = Map.copyOf(peers);
    order = List.copyOf(newOrder);
    config = next;
    DirectSender ds = new DirectSender(core.bufferSize);
    for (Peer p : newOrder) {
      if (!p.config.persistentKeepalive().isZero() && p.endpoint != null) {
        core.sendKeepalive(p, ds);
      }
    }
  }

  private static NodePublicKey publicOf(LocalIdentity local) {
    return NodePublicKey.fromBytes(local.publicKey());
  }

  private static boolean samePsk(PresharedKey a, PresharedKey b) {
    return a == null ? b == null : a.sameAs(b);
  }

  /** The UDP port the device listens on, or 0 before the first {@link #reconfigure}. */
  public int listenPort() {
    Bind b = core.bind;
    return b == null ? 0 : b.port();
  }

  /** This device's public key, or {@code null} before the first {@link #reconfigure}. */
  public NodePublicKey publicKey() {
    LocalIdentity l = core.local;
    return l == null ? null : publicOf(l);
  }

  /** Every peer's status, in configuration order. */
  public synchronized List<PeerStatus> status() {
    List<PeerStatus> out = new ArrayList<>();
    for (Peer p : order) {
      PeerConfig c = p.config;
      out.add(
          new PeerStatus(
              c.publicKey(),
              p.endpoint,
              p.latestHandshake,
              p.rxBytes.get(),
              p.txBytes.get(),
              c.allowedIps(),
              c.persistentKeepalive()));
    }
    return out;
  }

  /**
   * Installs the packet filter the pipeline consults for every inbound and outbound packet ({@code
   * null}: allow everything, the default). Takes effect with the next batch.
   */
  public void filter(TrafficFilter filter) {
    core.filter = filter;
  }

  /** A snapshot of the drop and event counters. */
  public DeviceCounters counters() {
    return core.drops.snapshot();
  }

  /** Stops the threads and closes the bind; the TUN stays open (its owner closes it). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Thread t : threads) {
      t.interrupt();
    }
    Bind b = core.bind;
    if (b != null) {
      try {
        b.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    for (Peer p : core.peers.values()) {
      core.zeroKeys(p);
    }
    if (core.local != null) {
      core.local.destroy();
    }
  }

  /**
   * The path to {@code peer} changed (a direct path was found): an initiation still unanswered is
   * sent again at once instead of after the 5 s retransmission timeout, since it most likely went
   * down the old path. Returns at once (the handshake thread sends); does nothing for an unknown
   * peer or when no initiation is outstanding.
   */
  public void pathChanged(NodePublicKey peer) {
    Peer p = core.peers.get(peer);
    if (p != null) {
      core.requestResend(p);
    }
  }

  /** Internal access for tests in this package. */
  Core core() {
    return core;
  }

  Peer peer(NodePublicKey key) {
    return core.peers.get(key);
  }
}
