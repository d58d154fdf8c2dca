package dev.trellis.relay.forward;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.FrameType;
import dev.trellis.proto.relay.Frames;
import dev.trellis.proto.relay.RelayFrame;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes packets: from a device to a device on this instance, or over the mesh to the instance the
 * destination is connected to, only ever within one tailnet; and from the mesh to local devices.
 * Every packet not forwarded is counted by reason ({@code oversize}, {@code foreign_tailnet},
 * {@code no_destination}, {@code queue_full}, {@code relay_memory}, {@code mesh_unavailable}).
 *
 * <p>Thread-safety: thread-safe; called from every listener's event loop and the mesh links.
 */
public final class Forwarder {
  /** Where keys not connected here are, and how to reach them. */
  public interface Mesh {
    /** Where {@code key} is connected if not on this instance; null when nowhere (known). */
    Remote locate(NodePublicKey key);

    /** Sends a packet to {@code where}; false when it had to be dropped (link full or down). */
    boolean forward(Remote where, ConnectedDevice source, NodePublicKey destination, byte[] packet);

    /** A device connected here (publish its presence). */
    void connected(ConnectedDevice client);

    /** A device disconnected from here (withdraw its presence). */
    void disconnected(ConnectedDevice client);
  }

  /**
   * A key connected to another instance.
   *
   * @param instanceId the instance holding the connection
   * @param tailnetId the tailnet of the key's node
   */
  public record Remote(String instanceId, String tailnetId) {}

  private final ConcurrentHashMap<NodePublicKey, ConnectedDevice> local = new ConcurrentHashMap<>();
  private final Arrivals arrivals = new Arrivals();
  private final RelayMetrics metrics;
  private volatile Mesh mesh;

  public Forwarder(RelayMetrics metrics) {
    this.metrics = metrics;
  }

  /** Attaches the mesh (once, at start). */
  public void mesh(Mesh mesh) {
    this.mesh = mesh;
  }

  /** Registers a newly authenticated device; an older connection with the same key is closed. */
  public void register(ConnectedDevice client) {
    ConnectedDevice previous = local.put(client.key(), client);
    metrics.connections(1);
    if (previous != null && previous != client) {
      metrics.connections(-1);
      previous.close("replaced by a newer connection with the same node key");
    }
    Mesh m = mesh;
    if (m != null) {
      m.connected(client);
    }
    announce(client.key(), client.tailnetId());
  }

  /**
   * Sends PEER_PRESENT to the devices here that were told a key was gone and that key has since
   * connected to another instance (the presence replica knows); also forgets stale waiters. Run
   * periodically (it reads only local state).
   */
  public void announceRemoteArrivals() {
    Mesh m = mesh;
    if (m != null) {
      for (NodePublicKey k : arrivals.keys()) {
        Remote r = m.locate(k);
        if (r != null) {
          announce(k, r.tailnetId());
        }
      }
    }
    arrivals.expire(System.nanoTime());
  }

  private void announce(NodePublicKey key, String tailnetId) {
    List<ConnectedDevice> waiters = arrivals.arrived(key, tailnetId, System.nanoTime());
    if (waiters.isEmpty()) {
      return;
    }
    Buffer frame = Buffer.buffer(FrameCodec.encode(new RelayFrame.PeerPresent(key)));
    for (ConnectedDevice c : waiters) {
      if (local.get(c.key()) == c) {
        c.send(frame.copy());
        metrics.control("peer_present");
      }
    }
  }

  /** Unregisters a device whose connection closed. */
  public void unregister(ConnectedDevice client) {
    if (local.remove(client.key(), client)) {
      metrics.connections(-1);
      Mesh m = mesh;
      if (m != null) {
        m.disconnected(client);
      }
    }
  }

  /** The devices connected here now. */
  public Collection<ConnectedDevice> clients() {
    return local.values();
  }

  /** The device connected here with {@code key}, or null. */
  public ConnectedDevice local(NodePublicKey key) {
    return local.get(key);
  }

  /**
   * A SEND_PACKET from {@code source} to {@code destination}, still encoded: {@code frame[start,
   * start + Frames.HEADER_BYTES + length)}. For a device here the frame is copied once, out of the
   * read buffer, and becomes the RECV_PACKET (the two have one layout; only the type and the key
   * differ): a queued frame never keeps a whole read buffer alive, so what a slow destination's
   * queue holds is what it counts. For another instance the packet is copied out for the mesh.
   */
  public void fromDeviceFrame(
      ConnectedDevice source, NodePublicKey destination, byte[] frame, int start, int length) {
    int packetStart = start + Frames.HEADER_BYTES + Frames.KEY_BYTES;
    int packetLength = length - Frames.KEY_BYTES;
    if (packetLength > Frames.MAX_PACKET_BYTES) {
      metrics.dropped("oversize");
      return;
    }
    ConnectedDevice target = local.get(destination);
    if (target == null) {
      fromDevice(
          source, destination, Arrays.copyOfRange(frame, packetStart, packetStart + packetLength));
      return;
    }
    if (!target.tailnetId().equals(source.tailnetId())) {
      refuse(source, destination, "foreign_tailnet");
      return;
    }
    byte[] own = Arrays.copyOfRange(frame, start, start + Frames.HEADER_BYTES + length);
    own[0] = (byte) FrameType.RECV_PACKET.code();
    System.arraycopy(source.keyBytes(), 0, own, Frames.HEADER_BYTES, Frames.KEY_BYTES);
    Buffer recv = BufferInternal.buffer(Unpooled.wrappedBuffer(own));
    queued(target.forward(source, recv), "local", packetLength);
  }

  /** A SEND_PACKET from {@code source} to {@code destination}. */
  public void fromDevice(ConnectedDevice source, NodePublicKey destination, byte[] packet) {
    if (packet.length > Frames.MAX_PACKET_BYTES) {
      metrics.dropped("oversize");
      return;
    }
    ConnectedDevice target = local.get(destination);
    if (target != null) {
      if (!target.tailnetId().equals(source.tailnetId())) {
        refuse(source, destination, "foreign_tailnet");
      } else {
        queued(target.deliver(source, source.keyBytes(), packet), "local", packet.length);
      }
      return;
    }
    Mesh m = mesh;
    Remote where = m == null ? null : m.locate(destination);
    if (where == null) {
      refuse(source, destination, "no_destination");
    } else if (!where.tailnetId().equals(source.tailnetId())) {
      refuse(source, destination, "foreign_tailnet");
    } else if (m.forward(where, source, destination, packet)) {
      metrics.forwarded("mesh_out", packet.length);
    } else {
      metrics.dropped("mesh_unavailable");
    }
  }

  /** A MESH_FORWARD from another instance, for a device here. */
  public void fromMesh(
      NodePublicKey source, byte[] sourceBytes, NodePublicKey destination, byte[] packet) {
    ConnectedDevice target = local.get(destination);
    if (target == null) {
      metrics.dropped("no_destination");
    } else if (packet.length > Frames.MAX_PACKET_BYTES) {
      metrics.dropped("oversize");
    } else {
      queued(target.deliver(source, sourceBytes, packet), "mesh_in", packet.length);
    }
  }

  /** Counts a packet offered to a device's queue: forwarded on {@code path}, or dropped and why. */
  private void queued(OutboundQueue.Offer offer, String path, int bytes) {
    if (offer == OutboundQueue.Offer.QUEUED) {
      metrics.forwarded(path, bytes);
    } else {
      metrics.dropped(offer.dropReason());
    }
  }

  /**
   * Counts a refused packet and tells the sender the peer is gone. The reason sent is always
   * DISCONNECTED, so a device cannot probe which keys of other tailnets are connected. A sender
   * told of a key connected nowhere hears PEER_PRESENT when it connects, only if it is of the
   * sender's tailnet.
   */
  private void refuse(ConnectedDevice source, NodePublicKey destination, String reason) {
    metrics.dropped(reason);
    if (reason.equals("no_destination")) {
      arrivals.await(source, destination, System.nanoTime()); // PEER_PRESENT when it connects
    }
    source.send(
        Buffer.buffer(
            FrameCodec.encode(
                new RelayFrame.PeerGone(destination, RelayFrame.GoneReason.DISCONNECTED))));
  }
}
