package dev.trellis.agent.paths.udprelay;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.proto.relay.UdpRelayBind;
import java.net.InetAddress;

/**
 * One UDP relay session with a peer, as the relay described it: the relay endpoint (its address and
 * the session's port), the session id, this node's side and secret, and the bind counter. The
 * counter starts from the wall clock in microseconds and only grows, so binds after a restart still
 * count as new at the relay.
 *
 * <p>Thread-safety: immutable but for the counter and the last bind time, which are synchronised.
 */
public final class UdpRelaySession {
  private final Endpoint endpoint;
  private final long id;
  private final int side;
  private final byte[] secret;
  private final int region;
  private long counter; // guarded by this
  private long lastBind = Long.MIN_VALUE / 2; // guarded by this

  /** The session of {@code frame}, on {@code relayAddress}, from the relay of {@code region}. */
  public UdpRelaySession(RelayFrame.UdpRelaySession frame, InetAddress relayAddress, int region) {
    this.endpoint = new Endpoint(relayAddress, frame.port());
    this.id = frame.sessionId();
    this.side = frame.side();
    this.secret = frame.secret().clone();
    this.region = region;
  }

  /** Where datagrams for the peer go (and where the peer's come from). */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The session id. */
  public long id() {
    return id;
  }

  /** The relay region it was made by. */
  public int region() {
    return region;
  }

  /** A fresh bind (a higher counter than any before), noting {@code now} as its time. */
  public synchronized byte[] bind(long now) {
    counter = Math.max(counter + 1, System.currentTimeMillis() * 1000);
    lastBind = now;
    return UdpRelayBind.encode(side, id, counter, secret);
  }

  /** When the last bind was made (monotonic nanoseconds). */
  public synchronized long lastBind() {
    return lastBind;
  }

  /** Whether {@code frame} describes this same session (a repeated answer). */
  public boolean sameAs(RelayFrame.UdpRelaySession frame, InetAddress relayAddress) {
    return frame.sessionId() == id
        && frame.side() == side
        && frame.port() == endpoint.port()
        && endpoint.address().equals(relayAddress);
  }

  @Override
  public String toString() {
    return "UdpRelaySession[" + endpoint + ", " + Long.toHexString(id) + "]";
  }
}
