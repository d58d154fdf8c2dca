package dev.trellis.agent.netmap;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Hands applied netmaps to the {@link NetmapListener}s: each snapshot whose content differs from
 * the last one handed out ({@link Netmap#sameContent}), in order, to every listener; a listener
 * that throws is logged (its message only) and the others still get the snapshot. A listener added
 * later first receives the last snapshot handed out, so it starts from the current state.
 *
 * <p>Thread-safety: {@link #publish} and {@link #add} are synchronised, so listeners see one
 * snapshot at a time and never out of order.
 */
public final class NetmapListeners {
  private final PrintStream log;
  private final List<NetmapListener> listeners = new CopyOnWriteArrayList<>();
  private Netmap last = Netmap.EMPTY; // guarded by this

  public NetmapListeners(PrintStream log) {
    this.log = log;
  }

  /** Adds {@code listener} and hands it the current snapshot unless that is still empty. */
  public synchronized void add(NetmapListener listener) {
    listeners.add(listener);
    if (!last.sameContent(Netmap.EMPTY)) {
      deliver(listener, last);
    }
  }

  /** Hands {@code netmap} to every listener unless it holds what the last one did. */
  public synchronized void publish(Netmap netmap) {
    if (netmap.sameContent(last)) {
      return;
    }
    last = netmap;
    for (NetmapListener l : listeners) {
      deliver(l, netmap);
    }
  }

  private void deliver(NetmapListener l, Netmap netmap) {
    try {
      l.applied(netmap);
    } catch (RuntimeException e) {
      log.println(
          "trellisd: a netmap listener failed: "
              + String.valueOf(e.getMessage()).replaceAll("\\p{Cntrl}", "?"));
    }
  }
}
