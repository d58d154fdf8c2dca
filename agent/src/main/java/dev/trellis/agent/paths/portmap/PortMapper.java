package dev.trellis.agent.paths.portmap;

import dev.trellis.agent.bind.Endpoint;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps a port mapping for the agent's WireGuard port on the default gateway, as Tailscale's
 * portmapper does: asks the gateway whether it speaks PCP ({@link Pcp}, an ANNOUNCE) and NAT-PMP
 * ({@link NatPmp}, the external address), maps the port with PCP if it answered, else with NAT-PMP,
 * renews the mapping at half its granted lifetime (the caller refreshes every 10 s, so even a short
 * lifetime is renewed before it ends), and deletes it on {@link #close}. A gateway that answered
 * neither is asked again after {@link #RETRY_AFTER}, so a network without port mapping costs one
 * short wait per minute.
 *
 * <p>Requests go from a socket of their own (the gateway maps the port named in the request, not
 * the request's source port), connected to the gateway so only its answers are read.
 *
 * <p>Thread-safety: methods are synchronised; {@link #refresh} blocks for at most a few timeouts.
 */
public final class PortMapper implements AutoCloseable {
  /** How long after a gateway answered nothing it is asked again. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(60);

  /** The lifetime asked for (the gateway may grant less). */
  static final long LIFETIME_SECONDS = 7200;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Supplier<InetAddress> gateway;
  private final Duration timeout;
  private final LongSupplier nanoTime;

  // guarded by this
  private PortMapping last = PortMapping.NONE;
  private int internalPort;
  private byte[] nonce;
  private InetAddress client;
  private long renewAt;
  private long retryAt = Long.MIN_VALUE / 2;
  private boolean closed;

  public PortMapper(Supplier<InetAddress> gateway, Duration timeout, LongSupplier nanoTime) {
    this.gateway = gateway;
    this.timeout = timeout;
    this.nanoTime = nanoTime;
  }

  /** A mapper for this namespace's default gateway. */
  public static PortMapper forDefaultGateway() {
    return new PortMapper(DefaultGateway::find, Duration.ofMillis(400), System::nanoTime);
  }

  /** What the gateway offered when last asked, and the mapping in force. */
  public synchronized PortMapping status() {
    return last;
  }

  /**
   * Makes sure UDP {@code port} is mapped (creating, renewing or moving the mapping as needed);
   * returns the mapped external endpoint, or {@code null} if there is none.
   */
  public synchronized Endpoint refresh(int port) {
    if (closed || port <= 0) {
      return null;
    }
    long now = nanoTime.getAsLong();
    InetAddress gw = gateway.get();
    boolean same = gw != null && gw.equals(last.gateway()) && port == internalPort;
    if (last.mapped() != null && same && now - renewAt < 0) {
      return last.mapped();
    }
    if (last.mapped() == null && same && now - retryAt < 0) {
      return null;
    }
    if (last.mapped() != null && !same) {
      delete();
    }
    if (gw == null) {
      last = PortMapping.NONE;
      retryAt = now + RETRY_AFTER.toNanos();
      return null;
    }
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(gw, NatPmp.PORT));
      s.setSoTimeout((int) timeout.toMillis());
      client = s.getLocalAddress();
      boolean renewing = last.mapped() != null && same;
      boolean pcp = renewing ? last.pcp() : false;
      boolean pmp = renewing ? last.natPmp() : false;
      InetAddress external = renewing ? last.external() : null;
      if (!renewing) {
        pcp = ask(s, Pcp.announceRequest(client)) instanceof Pcp.Announce a && a.result() == 0;
        if (askPmp(s, NatPmp.externalAddressRequest()) instanceof NatPmp.ExternalAddress e
            && e.result() == 0) {
          pmp = true;
          external = e.address();
        }
        nonce = new byte[Pcp.NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
      }
      internalPort = port;
      Endpoint mapped = null;
      long lifetime = 0;
      String protocol = "";
      if (pcp) {
        byte[] req =
            Pcp.mapRequest(client, nonce, port, port, renewing ? external : null, LIFETIME_SECONDS);
        if (ask(s, req) instanceof Pcp.Mapped m
            && m.result() == 0
            && m.internalPort() == port
            && java.util.Arrays.equals(m.nonce(), nonce)) {
          external = m.externalAddress();
          mapped = new Endpoint(m.externalAddress(), m.externalPort());
          lifetime = m.lifetime();
          protocol = "pcp";
        }
      }
      if (mapped == null && pmp && external != null) {
        int suggested = renewing && last.mapped() != null ? last.mapped().port() : port;
        if (askPmp(s, NatPmp.mapRequest(port, suggested, LIFETIME_SECONDS))
                instanceof NatPmp.Mapped m
            && m.result() == 0
            && m.internalPort() == port
            && m.externalPort() != 0) {
          mapped = new Endpoint(external, m.externalPort());
          lifetime = m.lifetime();
          protocol = "nat-pmp";
        }
      }
      last = new PortMapping(gw, pcp, pmp, external, mapped, protocol);
      if (mapped == null) {
        retryAt = now + RETRY_AFTER.toNanos();
      } else {
        renewAt = now + Duration.ofSeconds(Math.max(1, lifetime / 2)).toNanos();
      }
      return mapped;
    } catch (IOException e) {
      last = new PortMapping(gw, false, false, null, null, "");
      retryAt = now + RETRY_AFTER.toNanos();
      return null;
    }
  }

  /** Deletes the mapping in force, if any (lifetime 0). */
  private void delete() {
    PortMapping m = last;
    if (m.mapped() == null || m.gateway() == null) {
      return;
    }
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(m.gateway(), NatPmp.PORT));
      s.setSoTimeout((int) timeout.toMillis());
      if (m.protocol().equals("pcp")) {
        ask(s, Pcp.mapRequest(s.getLocalAddress(), nonce, internalPort, 0, null, 0));
      } else {
        askPmp(s, NatPmp.mapRequest(internalPort, 0, 0));
      }
    } catch (IOException e) {
      // the gateway forgets it when its lifetime runs out
    }
    last = new PortMapping(m.gateway(), m.pcp(), m.natPmp(), m.external(), null, "");
  }

  /** Sends a PCP request (twice at most) and returns the first PCP response, or null. */
  private Pcp.Response ask(DatagramSocket s, byte[] request) throws IOException {
    return exchange(s, request, Pcp::decode, true);
  }

  /** Sends a NAT-PMP request (twice at most) and returns the matching response, or null. */
  private NatPmp.Response askPmp(DatagramSocket s, byte[] request) throws IOException {
    return exchange(s, request, NatPmp::decode, false);
  }

  /** A response decoder: the response in {@code buf[off, off+len)}, or null if it is not one. */
  private interface Decoder<T> {
    T decode(byte[] buf, int off, int len);
  }

  /**
   * Sends {@code request} (twice at most, on the socket's timeout) and returns the first response
   * that decodes and answers its opcode, or null. {@code pcp}: a NAT-PMP "unsupported version"
   * answer means the gateway speaks NAT-PMP only, so stop at once.
   */
  private static <T> T exchange(DatagramSocket s, byte[] request, Decoder<T> decoder, boolean pcp)
      throws IOException {
    byte[] buf = new byte[1100];
    for (int attempt = 0; attempt < 2; attempt++) {
      s.send(new DatagramPacket(request, request.length));
      try {
        while (true) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          s.receive(p);
          T r = decoder.decode(buf, 0, p.getLength());
          if (r != null && (buf[1] & 0x7f) == request[1]) {
            return r;
          }
          if (pcp && p.getLength() >= 2 && buf[0] == 0) {
            return null; // a NAT-PMP-only gateway: "unsupported version"
          }
        }
      } catch (SocketTimeoutException e) {
        // ask again
      }
    }
    return null;
  }

  /** Deletes the mapping in force and stops mapping. */
  @Override
  public synchronized void close() {
    closed = true;
    delete();
  }
}
