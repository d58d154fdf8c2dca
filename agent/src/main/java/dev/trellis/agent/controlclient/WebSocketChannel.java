package dev.trellis.agent.controlclient;

import dev.trellis.proto.channel.ChannelException;
import dev.trellis.proto.channel.ControlChannel;
import dev.trellis.proto.channel.HandshakeInitiator;
import dev.trellis.proto.channel.HandshakeResult;
import dev.trellis.proto.channel.RecordCodec;
import dev.trellis.proto.channel.TransportCipher;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.proto.key.MachinePublicKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The device's end of the control channel over a JDK WebSocket ({@code GET /control/v1/channel}):
 * sends Noise IK message 1 as the first binary message, finishes the handshake with message 2, then
 * seals each {@link ClientMessage} as one binary message and opens each incoming binary message as
 * one {@link ServerMessage} (the layout is in shared-proto's {@link ControlChannel}). A record that
 * is oversized, does not decrypt or does not parse ends the channel.
 *
 * <p>Thread-safety: incoming messages are decoded on the WebSocket's listener thread (callbacks are
 * sequential) and queued; sends are serialised on {@code sendLock} and wait for completion.
 */
public final class WebSocketChannel implements ControlConnection {
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);

  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final CompletableFuture<TransportCipher> cipher = new CompletableFuture<>();
  private final Object sendLock = new Object();
  private final HandshakeInitiator handshake;
  private volatile WebSocket socket;
  private volatile ChannelClosedException ended;

  private WebSocketChannel(HandshakeInitiator handshake) {
    this.handshake = handshake;
  }

  /**
   * Connects to {@code url}'s channel as the machine holding {@code machineKey}, authenticating the
   * coordinator by the pinned {@code controlKey}.
   */
  public static WebSocketChannel open(
      HttpClient http,
      ControlServerUrl url,
      MachinePrivateKey machineKey,
      MachinePublicKey controlKey)
      throws IOException, InterruptedException {
    WebSocketChannel ch = new WebSocketChannel(new HandshakeInitiator(machineKey, controlKey));
    try {
      ch.socket =
          http.newWebSocketBuilder()
              .connectTimeout(HANDSHAKE_TIMEOUT)
              .buildAsync(url.channelUri(), ch.new Listener())
              .get(HANDSHAKE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      byte[] msg1;
      try {
        msg1 = ch.handshake.start(CapabilityVersion.CURRENT);
      } catch (ChannelException e) {
        throw new IOException("control handshake failed: " + e.getMessage(), e);
      }
      ch.sendRaw(msg1);
      ch.cipher.get(HANDSHAKE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return ch;
    } catch (ExecutionException e) {
      ch.close();
      Throwable c = e.getCause();
      throw new IOException(
          "cannot open the control channel " + url.channelUri() + ": " + (c == null ? e : c), c);
    } catch (TimeoutException e) {
      ch.close();
      throw new IOException("control channel " + url.channelUri() + " timed out", e);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  public void send(ClientMessage message) throws IOException {
    TransportCipher c = cipher.getNow(null);
    if (c == null || ended != null) {
      throw ended != null ? ended : new ChannelClosedException("channel not open");
    }
    synchronized (sendLock) {
      try {
        sendRaw(RecordCodec.seal(c, message));
      } catch (ChannelException e) {
        fail("cannot seal a record: " + e.getMessage(), e);
        throw ended;
      }
    }
  }

  private void sendRaw(byte[] bytes) throws IOException {
    try {
      socket.sendBinary(ByteBuffer.wrap(bytes), true).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      fail("send failed: " + e, e);
      throw ended;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while sending", e);
    }
  }

  @Override
  public ServerMessage receive(Duration timeout) throws IOException, InterruptedException {
    Object o = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (o == null) {
      if (ended != null) {
        throw ended;
      }
      return null;
    }
    if (o instanceof ChannelClosedException e) {
      inbox.offer(e); // every later receive sees the end too
      throw e;
    }
    return (ServerMessage) o;
  }

  @Override
  public void close() {
    fail("closed by the agent", null);
    WebSocket ws = socket;
    if (ws != null) {
      ws.abort();
    }
  }

  private void fail(String why, Throwable cause) {
    ChannelClosedException e = new ChannelClosedException(why, cause);
    synchronized (this) {
      if (ended != null) {
        return;
      }
      ended = e;
    }
    cipher.completeExceptionally(e);
    inbox.offer(e);
  }

  /** Collects each binary message (it may arrive in parts) and decodes it. */
  private final class Listener implements WebSocket.Listener {
    private final ByteArrayOutputStream parts = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      if (parts.size() + data.remaining() > ControlChannel.MAX_RECORD_BYTES) {
        fail(
            "the coordinator sent a record over " + ControlChannel.MAX_RECORD_BYTES + " bytes",
            null);
        ws.abort();
        return null;
      }
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      parts.writeBytes(chunk);
      if (last) {
        byte[] whole = parts.toByteArray();
        parts.reset();
        deliver(whole, ws);
      }
      ws.request(1);
      return null;
    }

    private void deliver(byte[] bytes, WebSocket ws) {
      try {
        TransportCipher c = cipher.getNow(null);
        if (c == null) {
          HandshakeResult r = handshake.finish(bytes);
          cipher.complete(r.cipher());
        } else {
          inbox.offer(RecordCodec.openServerMessage(c, bytes));
        }
      } catch (ChannelException | RuntimeException e) {
        fail("the coordinator's message was refused: " + e.getMessage(), e);
        ws.abort();
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      fail("the coordinator sent a text message (expected binary records)", null);
      ws.abort();
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      fail(
          "the coordinator closed the channel ("
              + status
              + (reason.isEmpty() ? "" : " " + reason)
              + ")",
          null);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      fail("control channel error: " + error, error);
    }
  }
}
