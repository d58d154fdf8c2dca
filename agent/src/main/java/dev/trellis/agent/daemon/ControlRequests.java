package dev.trellis.agent.daemon;

import com.google.protobuf.ByteString;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePrivateKey;
import java.util.List;

/**
 * The common part of the requests the device sends the coordinator: the capability version, its
 * public keys (machine, node, and this run's disco key) and its host info. Callers add what is
 * particular to their request (an auth key, a logout, a resume token).
 *
 * <p>Thread-safety: immutable; the host info is read at each call.
 */
final class ControlRequests {
  private final DiscoPublicKey disco;
  private final HostInfoSource host;

  ControlRequests(DiscoPublicKey disco, HostInfoSource host) {
    this.disco = disco;
    this.host = host;
  }

  /** The host info as the next request will carry it. */
  dev.trellis.proto.control.v1.HostInfo hostInfo() {
    return host.hostInfo();
  }

  /** A registration of {@code s}'s machine with the node key {@code nodeKey}. */
  RegisterRequest.Builder register(AgentState s, NodePrivateKey nodeKey) {
    return RegisterRequest.newBuilder()
        .setCapabilityVersion(CapabilityVersion.CURRENT)
        .setMachineKey(bytes(s.machineKey().publicKey().toBytes()))
        .setNodeKey(bytes(nodeKey.publicKey().toBytes()))
        .setDiscoKey(bytes(disco.toBytes()))
        .setHostInfo(host.hostInfo());
  }

  /** A map request of {@code s}'s node with its endpoints and home relay region. */
  MapRequest.Builder map(AgentState s, List<Endpoint> endpoints, int homeRegion) {
    return MapRequest.newBuilder()
        .setCapabilityVersion(CapabilityVersion.CURRENT)
        .setNodeKey(bytes(s.nodeKey().publicKey().toBytes()))
        .setDiscoKey(bytes(disco.toBytes()))
        .addAllEndpoints(endpoints)
        .setHomeRelayRegion(homeRegion)
        .setHostInfo(host.hostInfo());
  }

  private static ByteString bytes(byte[] b) {
    return ByteString.copyFrom(b);
  }
}
