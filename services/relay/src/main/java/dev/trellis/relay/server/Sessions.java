package dev.trellis.relay.server;

import dev.trellis.proto.key.RelayPrivateKey;
import dev.trellis.relay.auth.NodeAuthorizer;
import dev.trellis.relay.config.RelayOptions;
import dev.trellis.relay.forward.Forwarder;
import dev.trellis.relay.forward.QueueBudget;
import dev.trellis.relay.forward.RelayMetrics;
import dev.trellis.relay.udprelay.UdpRelay;
import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.http.ConnectionGuard;
import java.time.Clock;

/**
 * What every relay session needs, shared by all listeners of one instance.
 *
 * <p>Thread-safety: immutable; every component is thread-safe.
 *
 * @param options the instance's options
 * @param relayKey the relay's static X25519 key (node-key proofs)
 * @param authorizer checks node keys against the key registry
 * @param forwarder routes packets
 * @param metrics counters
 * @param credentials verifies mesh links' service credentials
 * @param clock the time source
 * @param guard bounds the connections of every listener of the instance (one per-source count)
 * @param udpRelay the UDP relay, or null when it is off
 * @param queueBudget the bytes all outbound queues of the instance may hold together
 */
public record Sessions(
    RelayOptions options,
    RelayPrivateKey relayKey,
    NodeAuthorizer authorizer,
    Forwarder forwarder,
    RelayMetrics metrics,
    ServiceCredentials credentials,
    Clock clock,
    ConnectionGuard guard,
    UdpRelay udpRelay,
    QueueBudget queueBudget) {}
