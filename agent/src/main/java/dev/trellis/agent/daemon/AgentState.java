package dev.trellis.agent.daemon;

import dev.trellis.agent.routes.RoutePrefs;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePrivateKey;

/**
 * What the daemon keeps across restarts: its keys, the control server it pinned, and its
 * registration. Written by {@link StateFile} at mode 0600. The disco key is deliberately absent: it
 * is fresh on every start.
 *
 * @param machineKey the device's machine private key (identifies it to the control plane)
 * @param nodeKey the current node (WireGuard) private key
 * @param loginServer the control server URL, or {@code null} before the first {@code up}
 * @param controlKey the pinned control public key, or {@code null} before the first {@code up}
 * @param nodeId the registered node id, or {@code null} when not registered (or logged out)
 * @param lastRegister the last successful RegisterResponse, or {@code null}
 * @param wantRunning whether the user last asked for the tunnel up (so a restart reconnects)
 * @param acceptDns whether the OS should use the tailnet's DNS ({@code trellis up --accept-dns};
 *     true unless turned off)
 * @param routes what the device offers to route and takes from its peers ({@code trellis up} and
 *     {@code trellis set} route flags)
 *     <p>Thread-safety: immutable; {@link #toString} is redacted.
 */
public record AgentState(
    MachinePrivateKey machineKey,
    NodePrivateKey nodeKey,
    String loginServer,
    MachinePublicKey controlKey,
    String nodeId,
    RegisterResponse lastRegister,
    boolean wantRunning,
    boolean acceptDns,
    RoutePrefs routes) {
  public AgentState {
    if (machineKey == null || nodeKey == null) {
      throw new IllegalArgumentException("state needs a machine key and a node key");
    }
    routes = routes == null ? RoutePrefs.DEFAULT : routes;
  }

  /** A state with the default route preferences. */
  public AgentState(
      MachinePrivateKey machineKey,
      NodePrivateKey nodeKey,
      String loginServer,
      MachinePublicKey controlKey,
      String nodeId,
      RegisterResponse lastRegister,
      boolean wantRunning,
      boolean acceptDns) {
    this(
        machineKey,
        nodeKey,
        loginServer,
        controlKey,
        nodeId,
        lastRegister,
        wantRunning,
        acceptDns,
        RoutePrefs.DEFAULT);
  }

  /** A state that accepts the tailnet's DNS. */
  public AgentState(
      MachinePrivateKey machineKey,
      NodePrivateKey nodeKey,
      String loginServer,
      MachinePublicKey controlKey,
      String nodeId,
      RegisterResponse lastRegister,
      boolean wantRunning) {
    this(machineKey, nodeKey, loginServer, controlKey, nodeId, lastRegister, wantRunning, true);
  }

  /** A new device: fresh machine and node keys, nothing else. */
  public static AgentState fresh() {
    return new AgentState(
        MachinePrivateKey.generate(), NodePrivateKey.generate(), null, null, null, null, false);
  }

  public AgentState withNodeKey(NodePrivateKey key) {
    return new AgentState(
        machineKey,
        key,
        loginServer,
        controlKey,
        nodeId,
        lastRegister,
        wantRunning,
        acceptDns,
        routes);
  }

  public AgentState withServer(String url, MachinePublicKey key) {
    return new AgentState(
        machineKey, nodeKey, url, key, nodeId, lastRegister, wantRunning, acceptDns, routes);
  }

  public AgentState withRegistration(String id, RegisterResponse response) {
    return new AgentState(
        machineKey, nodeKey, loginServer, controlKey, id, response, wantRunning, acceptDns, routes);
  }

  public AgentState withWantRunning(boolean want) {
    return new AgentState(
        machineKey,
        nodeKey,
        loginServer,
        controlKey,
        nodeId,
        lastRegister,
        want,
        acceptDns,
        routes);
  }

  public AgentState withAcceptDns(boolean accept) {
    return new AgentState(
        machineKey,
        nodeKey,
        loginServer,
        controlKey,
        nodeId,
        lastRegister,
        wantRunning,
        accept,
        routes);
  }

  public AgentState withRoutes(RoutePrefs prefs) {
    return new AgentState(
        machineKey,
        nodeKey,
        loginServer,
        controlKey,
        nodeId,
        lastRegister,
        wantRunning,
        acceptDns,
        prefs);
  }

  /** Redacted: names the public parts only. */
  @Override
  public String toString() {
    return "AgentState[machine="
        + machineKey.publicKey()
        + ", node="
        + nodeKey.publicKey()
        + ", server="
        + loginServer
        + ", nodeId="
        + nodeId
        + "]";
  }
}
