package dev.trellis.agent.paths.relay;

import dev.trellis.agent.paths.RelayLink;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.proto.control.v1.RelayRegion;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's relay client: one connection per relay region in use (the home region, kept open, and
 * peers' home regions, opened on demand). Each device starts at the region's instance its node key
 * hashes to ({@link #firstInstance}), so the devices of a region spread over its instances. A
 * connection that dies is replaced by one to the next server of the region at once (then with a
 * short backoff), so a device whose relay instance dies is back within about a second. Packets sent
 * while a region connects wait in a small queue.
 *
 * <p>Thread-safety: safe from any thread; each region's state is guarded by its {@code Region}
 * object; connects run on {@code relay-connect-<region>} threads.
 */
public final class RelayClients implements RelayLink {
  private static final int MAX_QUEUED = 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  private final PrintStream log;
  private final Map<Integer, Region> regions = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private volatile NodePrivateKey key;
  private volatile RelayMap map = RelayMap.getDefaultInstance();
  private volatile int home;
  private volatile Receiver receiver = (r, f, d, o, l) -> {};
  private volatile boolean closed;

  public RelayClients(NodePrivateKey key, PrintStream log) {
    this.key = key;
    this.log = log;
  }

  /** Takes the netmap's relay map; regions that vanished are closed. */
  public void setRelayMap(RelayMap next) {
    map = next;
    for (Map.Entry<Integer, Region> e : regions.entrySet()) {
      if (!next.containsRegions(e.getKey())) {
        regions.remove(e.getKey());
        e.getValue().close();
      }
    }
    if (home != 0 && !next.containsRegions(home)) {
      home = 0;
    }
  }

  /** Chooses the home region and connects to it. */
  public void setHome(int region) {
    home = region;
    if (region != 0) {
      region(region).ensure();
    }
  }

  /** A new node key (re-registration): reconnect everything under it. */
  public void setNodeKey(NodePrivateKey next) {
    if (next.sameAs(key)) {
      return;
    }
    key = next;
    for (Region r : regions.values()) {
      r.reconnect();
    }
  }

  /** The relay map in use. */
  public RelayMap relayMap() {
    return map;
  }

  /** Whether the home region's connection is up. */
  public boolean homeConnected() {
    Region r = home == 0 ? null : regions.get(home);
    return r != null && r.connected();
  }

  /** The relay server the home connection uses, or "". */
  public String homeServer() {
    Region r = home == 0 ? null : regions.get(home);
    return r == null ? "" : r.server();
  }

  /**
   * Whether region {@code id} is down for this device: not connected, and every one of its
   * instances failed to connect since the last success (a region never tried is not down).
   */
  public boolean regionDown(int id) {
    Region r = regions.get(id);
    return r != null && r.down();
  }

  /** Packets dropped (no region, queue full, connection lost). */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public boolean send(int region, NodePublicKey to, byte[] data, int off, int len) {
    int r = region != 0 && map.containsRegions(region) ? region : home;
    if (r == 0 || closed) {
      dropped.incrementAndGet();
      return false;
    }
    return region(r).send(to, data, off, len);
  }

  @Override
  public boolean requestUdpRelay(int region, NodePublicKey peer) {
    int r = region != 0 && map.containsRegions(region) ? region : home;
    if (r == 0 || closed) {
      return false;
    }
    return region(r).requestUdpRelay(peer);
  }

  @Override
  public int homeRegion() {
    return home;
  }

  @Override
  public String regionName(int region) {
    RelayRegion r = map.getRegionsMap().get(region);
    return r == null || r.getRegionCode().isEmpty() ? Integer.toString(region) : r.getRegionCode();
  }

  @Override
  public void setReceiver(Receiver receiver) {
    this.receiver = receiver;
  }

  private Region region(int id) {
    Region r = regions.get(id); // the common case, without a lambda per packet
    return r != null ? r : regions.computeIfAbsent(id, Region::new);
  }

  /** One region's connection, its queue while connecting, and which server is next. */
  private final class Region implements RelayConnection.Listener {
    private final int id;
    private RelayConnection conn; // guarded by this
    private boolean connecting; // guarded by this
    private int next; // guarded by this: servers tried so far, counted from the first choice
    private final ArrayDeque<Object[]> queue = new ArrayDeque<>(); // guarded by this
    private boolean gone; // guarded by this
    private int failures; // guarded by this: connect failures since the last success
    private int instances = 1; // guarded by this: the region's relay instances at the last try

    Region(int id) {
      this.id = id;
    }

    synchronized boolean connected() {
      return conn != null && conn.isOpen();
    }

    synchronized boolean down() {
      return (conn == null || !conn.isOpen()) && failures >= instances;
    }

    synchronized String server() {
      return conn == null ? "" : conn.node().getName();
    }

    boolean send(NodePublicKey to, byte[] data, int off, int len) {
      RelayConnection c;
      synchronized (this) {
        c = conn;
        if (c == null || !c.isOpen()) {
          if (queue.size() >= MAX_QUEUED) {
            dropped.incrementAndGet();
          } else {
            queue.add(new Object[] {to, Arrays.copyOfRange(data, off, off + len)});
          }
          ensureLocked();
          return true;
        }
      }
      if (!c.send(to, data, off, len)) {
        dropped.incrementAndGet();
      }
      return true;
    }

    boolean requestUdpRelay(NodePublicKey peer) {
      RelayConnection c;
      synchronized (this) {
        c = conn;
        if (c == null || !c.isOpen()) {
          ensureLocked();
          return false;
        }
      }
      return c.requestUdpRelay(peer);
    }

    synchronized void ensure() {
      ensureLocked();
    }

    private void ensureLocked() {
      if (connecting || gone || closed || (conn != null && conn.isOpen())) {
        return;
      }
      connecting = true;
      Thread.ofPlatform().name("relay-connect-" + id).daemon().start(this::connectLoop);
    }

    private void connectLoop() {
      long backoff = 0;
      while (true) {
        RelayNode node;
        synchronized (this) {
          RelayRegion r = map.getRegionsMap().get(id);
          java.util.List<RelayNode> nodes =
              r == null
                  ? java.util.List.of()
                  : r.getNodesList().stream().filter(n -> !n.getStunOnly()).toList();
          if (gone || closed || nodes.isEmpty()) {
            connecting = false;
            queue.clear();
            return;
          }
          instances = nodes.size();
          int first = firstInstance(key.publicKey(), nodes.size());
          node = nodes.get(Math.floorMod(first + next++, nodes.size()));
        }
        try {
          RelayConnection c = RelayConnection.open(node, key, CONNECT_TIMEOUT, this);
          Object[][] flush;
          synchronized (this) {
            conn = c;
            connecting = false;
            failures = 0;
            flush = queue.toArray(new Object[0][]);
            queue.clear();
          }
          log.println("trellisd: relay region " + id + " connected to " + node.getName());
          for (Object[] q : flush) {
            byte[] d = (byte[]) q[1];
            c.send((NodePublicKey) q[0], d, 0, d.length);
          }
          return;
        } catch (IOException e) {
          log.println("trellisd: relay " + node.getName() + ": " + e.getMessage());
          synchronized (this) {
            failures++;
          }
          backoff = Math.min(2000, backoff == 0 ? 100 : backoff * 2);
          try {
            Thread.sleep(backoff);
          } catch (InterruptedException ie) {
            synchronized (this) {
              connecting = false;
            }
            return;
          }
        }
      }
    }

    @Override
    public void packet(NodePublicKey from, byte[] data, int off, int len) {
      receiver.received(id, from, data, off, len);
    }

    @Override
    public void burstEnd() {
      receiver.burstEnd(id);
    }

    @Override
    public void peerPresent(NodePublicKey peer) {
      receiver.peerPresent(id, peer);
    }

    @Override
    public void udpRelaySession(
        dev.trellis.proto.relay.RelayFrame.UdpRelaySession session,
        java.net.InetAddress relayAddress) {
      receiver.udpRelaySession(id, session, relayAddress);
    }

    @Override
    public void closed(RelayConnection c, String why) {
      synchronized (this) {
        if (conn != c) {
          return;
        }
        conn = null;
        if (!gone && !closed) {
          log.println("trellisd: relay " + c.node().getName() + " lost (" + why + "); moving on");
          ensureLocked(); // the next server of the region, at once
        }
      }
    }

    void reconnect() {
      RelayConnection c;
      synchronized (this) {
        c = conn;
      }
      if (c != null) {
        c.close(); // closed() reconnects with the new key
      }
    }

    void close() {
      RelayConnection c;
      synchronized (this) {
        gone = true;
        c = conn;
        conn = null;
      }
      if (c != null) {
        c.close();
      }
    }
  }

  /**
   * The index of the instance (of {@code instances}) a device with {@code key} tries first: stable
   * for the key, and uniform over the instances because node keys are.
   */
  static int firstInstance(NodePublicKey key, int instances) {
    byte[] b = key.toBytes();
    int h = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    return Math.floorMod(h, instances);
  }

  /** Closes every connection. */
  public void close() {
    closed = true;
    for (Region r : regions.values()) {
      r.close();
    }
  }
}
