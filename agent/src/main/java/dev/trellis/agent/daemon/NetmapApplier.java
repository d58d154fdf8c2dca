package dev.trellis.agent.daemon;

import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.netmap.NetmapListener;
import dev.trellis.agent.netmap.NetmapListeners;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.key.NodePrivateKey;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;

/**
 * Keeps the {@link Netmap} and applies it: folds each frame into the snapshot, installs the packet
 * filter a frame carries, and configures the {@link Tunnel} from the snapshot (the relay client's
 * node key and relay map, WireGuard peers through the path layer, the TUN's addresses), then tells
 * the {@link BackendPhase} and the {@link NetmapListener}s. Re-applied periodically too, so that
 * peers whose key expired lose their traffic without a frame.
 *
 * <p>Thread-safety: the snapshot is guarded by {@code this}; applying it to the tunnel and handing
 * it to the listeners happen under {@code applyLock}, one at a time, so the tunnel and the
 * listeners never get an older snapshot after a newer one, and {@link #clear} never overlaps an
 * application. Called on the "control-map" thread (frames), the "endpoint-report" thread (the
 * periodic re-apply) and local API threads ({@code up}, {@code down}, {@code logout}).
 */
final class NetmapApplier {
  private final Tunnel tunnel;
  private final StateStore store;
  private final BackendPhase phase;
  private final Runnable relayMapChanged;
  private final NetmapListeners listeners;
  private final Object applyLock = new Object();
  private Netmap netmap = Netmap.EMPTY; // guarded by this

  /**
   * @param relayMapChanged runs when a new relay map was installed (it must not block: peers need
   *     our public address soon, so it should start a netcheck and a report elsewhere)
   */
  NetmapApplier(
      Tunnel tunnel,
      StateStore store,
      BackendPhase phase,
      Runnable relayMapChanged,
      PrintStream log) {
    this.tunnel = tunnel;
    this.store = store;
    this.phase = phase;
    this.relayMapChanged = relayMapChanged;
    this.listeners = new NetmapListeners(log);
  }

  /** The snapshot as last folded (applied to the tunnel or about to be). */
  synchronized Netmap current() {
    return netmap;
  }

  /** Forgets the snapshot without touching the tunnel (a new stream starts from a full frame). */
  synchronized void reset() {
    netmap = Netmap.EMPTY;
  }

  /** Adds a listener of the applied snapshots. */
  void addListener(NetmapListener listener) {
    listeners.add(listener);
  }

  /** Folds {@code frame} (not a reauth or logout) into the snapshot and applies it. */
  void apply(MapResponse frame) throws IOException {
    synchronized (this) {
      netmap = netmap.apply(frame);
    }
    if (frame.hasFull()) {
      tunnel.filter(frame.getFull().getPacketFilter());
    } else if (frame.hasPacketFilterChanged()) {
      tunnel.filter(frame.getPacketFilterChanged());
    }
    reapply();
  }

  /**
   * Applies the current snapshot to the tunnel (after a frame, and periodically for expiries);
   * nothing while the tunnel is meant to be down or before the first full frame.
   */
  void reapply() throws IOException {
    synchronized (applyLock) {
      if (phase.idle()) {
        return;
      }
      Netmap m = current();
      NodePrivateKey key = store.current().nodeKey();
      if (!m.hasSelf()) {
        return;
      }
      boolean authorized = m.self().getMachineAuthorized();
      tunnel.relays().setNodeKey(key);
      if (!m.relayMap().equals(tunnel.relays().relayMap())) {
        tunnel.relays().setRelayMap(m.relayMap());
        relayMapChanged.run();
      }
      tunnel.configure(
          PathConfig.throughPaths(
              NetmapConfig.device(m, key, 0, Instant.now(), authorized, store.current().routes()),
              m,
              tunnel.paths()),
          NetmapConfig.addresses(m.self()));
      phase.netmapApplied(authorized);
      listeners.publish(m);
    }
  }

  /** Forgets the snapshot and stops the tunnel's traffic (keys and addresses are kept). */
  void clear(NodePrivateKey key) throws IOException {
    synchronized (applyLock) {
      reset();
      tunnel.stop(key);
      listeners.publish(Netmap.EMPTY);
    }
  }
}
