package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.bind.MemoryBind;
import dev.trellis.agent.bind.MemoryNetwork;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.proto.relay.UdpRelayBind;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory relay for tests: every node attached to one {@code MemoryRelay} can send to every
 * other by node key, as if all were connected to one relay region. A relay can be taken down
 * ({@link #setUp}) to test what happens without one. Each packet is a burst of its own (the
 * receiver hears {@code burstEnd} after it) unless bursts are held ({@link #holdBursts}), as when a
 * relay connection has more data at hand. With {@link #enableUdpRelay} it also plays the relay's
 * UDP relay on a {@link MemoryNetwork}.
 *
 * <p>Thread-safety: safe from any thread.
 */
public final class MemoryRelay {
  private final int region;
  private final String code;
  private final Map<NodePublicKey, Link> links = new ConcurrentHashMap<>();
  private final AtomicLong forwarded = new AtomicLong();
  private volatile boolean up = true;
  private volatile boolean holdBursts;

  public MemoryRelay(int region, String code) {
    this.region = region;
    this.code = code;
  }

  /** A link for the node {@code self}. */
  public RelayLink attach(NodePublicKey self) {
    Link l = new Link(self);
    links.put(self, l);
    return l;
  }

  /** Takes the relay down (sends fail) or up again. */
  public void setUp(boolean up) {
    this.up = up;
  }

  /**
   * While {@code hold}, receivers hear no {@code burstEnd} (more data is "at hand"); {@link
   * #endBursts} tells them all.
   */
  public void holdBursts(boolean hold) {
    this.holdBursts = hold;
  }

  /** Tells every receiver its burst ended. */
  public void endBursts() {
    for (Link l : links.values()) {
      l.receiver.burstEnd(region);
    }
  }

  /**
   * Serves UDP relay sessions on {@code net} at {@code address} (one port per session, from 3479):
   * a session is made when two links asked for each other; binds are checked as the relay checks
   * them (session, MAC, growing counter) and datagrams go between the bound sides.
   */
  public void enableUdpRelay(MemoryNetwork net, InetAddress address) {
    this.udpNet = net;
    this.udpAddress = address;
  }

  /** Datagrams the UDP relay forwarded so far. */
  public long udpForwarded() {
    return udpForwarded.get();
  }

  private volatile MemoryNetwork udpNet;
  private volatile InetAddress udpAddress;
  private final AtomicLong udpForwarded = new AtomicLong();
  private final java.util.Set<List<NodePublicKey>> asked = ConcurrentHashMap.newKeySet();
  private final Map<java.util.Set<NodePublicKey>, RelayFrame.UdpRelaySession[]> sessions =
      new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger nextPort =
      new java.util.concurrent.atomic.AtomicInteger(3479);

  private synchronized void udpRequest(NodePublicKey from, NodePublicKey to) {
    MemoryNetwork net = udpNet;
    if (net == null || links.get(to) == null) {
      return;
    }
    RelayFrame.UdpRelaySession[] made = sessions.get(java.util.Set.of(from, to));
    if (made != null) { // asked again: the same session, as the relay answers
      int side = made[0].peer().equals(to) ? 0 : 1;
      links.get(from).receiver.udpRelaySession(region, made[side], udpAddress);
      return;
    }
    asked.add(List.of(from, to));
    if (!asked.remove(List.of(to, from))) {
      return;
    }
    asked.remove(List.of(from, to));
    try {
      MemoryBind sock = net.open(udpAddress, nextPort.getAndIncrement());
      long id = ThreadLocalRandom.current().nextLong();
      byte[][] secrets = {new byte[32], new byte[32]};
      ThreadLocalRandom.current().nextBytes(secrets[0]);
      ThreadLocalRandom.current().nextBytes(secrets[1]);
      Thread.ofVirtual().start(() -> forward(net, sock, id, secrets));
      NodePublicKey[] sides = {from, to};
      RelayFrame.UdpRelaySession[] frames = new RelayFrame.UdpRelaySession[2];
      for (int side = 0; side < 2; side++) {
        frames[side] =
            new RelayFrame.UdpRelaySession(
                sides[1 - side], id, side, secrets[side], sock.endpoint().port());
      }
      sessions.put(java.util.Set.of(from, to), frames);
      for (int side = 0; side < 2; side++) {
        links.get(sides[side]).receiver.udpRelaySession(region, frames[side], udpAddress);
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void forward(MemoryNetwork net, MemoryBind sock, long id, byte[][] secrets) {
    Endpoint[] bound = new Endpoint[2];
    long[] counters = {Long.MIN_VALUE, Long.MIN_VALUE};
    byte[][] bufs = {new byte[4096]};
    int[] sizes = new int[1];
    Endpoint[] from = new Endpoint[1];
    try {
      while (true) {
        sock.receive(bufs, sizes, 0, from);
        byte[] d = Arrays.copyOf(bufs[0], sizes[0]);
        var f = UdpRelayBind.decode(d, 0, d.length);
        if (f != null) {
          if (f.sessionId() == id
              && UdpRelayBind.verify(d, 0, d.length, secrets[f.side()])
              && f.counter() > counters[f.side()]) {
            counters[f.side()] = f.counter();
            bound[f.side()] = from[0];
          }
          continue;
        }
        int side = from[0].equals(bound[0]) ? 0 : from[0].equals(bound[1]) ? 1 : -1;
        if (side >= 0 && bound[1 - side] != null) {
          udpForwarded.incrementAndGet();
          net.deliver(sock.endpoint(), bound[1 - side], d);
        }
      }
    } catch (java.io.IOException e) {
      // closed
    }
  }

  /** Packets forwarded so far. */
  public long forwarded() {
    return forwarded.get();
  }

  private final class Link implements RelayLink {
    private final NodePublicKey self;
    private volatile Receiver receiver = (r, f, d, o, l) -> {};

    Link(NodePublicKey self) {
      this.self = self;
    }

    @Override
    public boolean send(int toRegion, NodePublicKey to, byte[] data, int off, int len) {
      if (!up) {
        return false;
      }
      Link target = links.get(to);
      if (target != null) {
        forwarded.incrementAndGet();
        byte[] copy = Arrays.copyOfRange(data, off, off + len);
        target.receiver.received(region, self, copy, 0, copy.length);
        if (!holdBursts) {
          target.receiver.burstEnd(region);
        }
      }
      return true;
    }

    @Override
    public boolean requestUdpRelay(int toRegion, NodePublicKey peer) {
      if (!up) {
        return false;
      }
      udpRequest(self, peer);
      return true;
    }

    @Override
    public int homeRegion() {
      return up ? region : 0;
    }

    @Override
    public String regionName(int r) {
      return r == region ? code : Integer.toString(r);
    }

    @Override
    public void setReceiver(Receiver receiver) {
      this.receiver = receiver;
    }
  }
}
