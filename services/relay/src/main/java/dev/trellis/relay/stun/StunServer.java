package dev.trellis.relay.stun;

import dev.trellis.proto.stun.StunDecoder;
import dev.trellis.proto.stun.StunEncoder;
import dev.trellis.proto.stun.StunRefusal;
import dev.trellis.proto.stun.StunResult;
import dev.trellis.relay.forward.RelayMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STUN binding server on UDP: one thread ({@code relay-stun}) reads datagrams and answers each
 * valid binding request with the address it came from (the codec is shared-proto's {@code
 * dev.trellis.proto.stun}); anything else is dropped and counted as {@code stun_<refusal>}, where
 * any STUN message but a binding request counts as {@code stun_not_binding_request}. A source is
 * answered at most {@value #PER_SOURCE_PER_SECOND} times a second ({@link SourceRate}); the rest is
 * dropped and counted as {@code stun_rate_limited}. Binding to a wildcard address serves IPv4 and
 * IPv6 on one socket.
 *
 * <p>Thread-safety: the read loop is its own thread; {@link #close} may be called from any thread.
 */
public final class StunServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StunServer.class);

  /** Requests answered per source address per second. */
  public static final int PER_SOURCE_PER_SECOND = 20;

  private final DatagramChannel channel;
  private final RelayMetrics metrics;
  private final SourceRate rate;
  private final Thread loop;

  private StunServer(DatagramChannel channel, RelayMetrics metrics, SourceRate rate) {
    this.channel = channel;
    this.metrics = metrics;
    this.rate = rate;
    this.loop = Thread.ofPlatform().name("relay-stun").daemon().unstarted(this::run);
  }

  /** Binds {@code host:port} (a wildcard host binds every address family) and starts serving. */
  public static StunServer start(String host, int port, RelayMetrics metrics) throws IOException {
    return start(host, port, metrics, new SourceRate(PER_SOURCE_PER_SECOND, System::nanoTime));
  }

  /** Like {@link #start(String, int, RelayMetrics)} with a given per-source limit. */
  public static StunServer start(String host, int port, RelayMetrics metrics, SourceRate rate)
      throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    InetAddress addr = InetAddress.getByName(host);
    ch.bind(
        addr.isAnyLocalAddress() ? new InetSocketAddress(port) : new InetSocketAddress(addr, port));
    StunServer s = new StunServer(ch, metrics, rate);
    s.loop.start();
    return s;
  }

  /** The UDP port it serves. */
  public int port() {
    try {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException e) {
      return 0;
    }
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocate(2048);
    while (channel.isOpen()) {
      try {
        buf.clear();
        SocketAddress from = channel.receive(buf);
        if (!(from instanceof InetSocketAddress seen)) {
          continue;
        }
        if (!rate.allow(seen.getAddress())) {
          metrics.dropped("stun_rate_limited");
          continue;
        }
        StunResult r = StunDecoder.decode(buf.array(), 0, buf.position());
        if (!(r instanceof StunResult.BindingRequest request)) {
          metrics.dropped(dropLabel(r));
          continue;
        }
        channel.send(
            ByteBuffer.wrap(StunEncoder.bindingSuccess(request.transactionId(), unmap(seen))),
            seen);
        metrics.forwarded("stun", buf.position());
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.debug("stun: {}", e.toString());
      }
    }
  }

  /** The drop counter of a datagram that is not a binding request. */
  private static String dropLabel(StunResult r) {
    if (r instanceof StunResult.Refused f && f.reason() != StunRefusal.NOT_BINDING) {
      return "stun_" + f.reason().name().toLowerCase(Locale.ROOT);
    }
    return "stun_not_binding_request";
  }

  /** An IPv4-mapped IPv6 source reported as IPv4. */
  private static InetSocketAddress unmap(InetSocketAddress a) {
    byte[] raw = a.getAddress().getAddress();
    if (raw.length == 16) {
      boolean mapped = raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = raw[i] == 0;
      }
      if (mapped) {
        try {
          return new InetSocketAddress(
              InetAddress.getByAddress(java.util.Arrays.copyOfRange(raw, 12, 16)), a.getPort());
        } catch (java.net.UnknownHostException e) {
          return a;
        }
      }
    }
    return a;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("stun close: {}", e.toString());
    }
  }
}
