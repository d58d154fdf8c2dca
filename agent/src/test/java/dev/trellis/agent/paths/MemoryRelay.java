package dev.trellis.agent.paths;

import dev.trellis.proto.key.NodePublicKey;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory relay for tests: every node attached to one {@code MemoryRelay} can send to every
 * other by node key, as if all were connected to one relay region. A relay can be taken down
 * ({@link #setUp}) to test what happens without one. Each packet is a burst of its own (the
 * receiver hears {@code burstEnd} after it) unless bursts are held ({@link #holdBursts}), as when a
 * relay connection has more data at hand.
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
