package dev.trellis.relay.config;

import dev.trellis.runtime.config.Flag;
import dev.trellis.runtime.config.ValueType;
import java.util.List;

/**
 * The relay's command-line flags (and environment variables). {@link RelayOptions#from} reads them
 * back into options.
 *
 * <p>Thread-safety: constants only.
 */
public final class RelayFlags {
  /** {@code --relay-port}: TCP port of the relay protocol. */
  public static final Flag<Integer> RELAY_PORT =
      Flag.of(
          "--relay-port",
          "TRELLIS_RELAY_PORT",
          ValueType.port(),
          "8443",
          "TCP port of the relay protocol (TLS + HTTP upgrade; 0 = any free port).");

  /** {@code --stun-port}: UDP port of the STUN server. */
  public static final Flag<Integer> STUN_PORT =
      Flag.of(
          "--stun-port",
          "TRELLIS_STUN_PORT",
          ValueType.port(),
          "3478",
          "UDP port of the STUN binding server (0 = any free port).");

  /** {@code --udp-relay-ports}: the UDP ports of the UDP relay's sessions. */
  public static final Flag<String> UDP_RELAY_PORTS =
      Flag.of(
          "--udp-relay-ports",
          "TRELLIS_UDP_RELAY_PORTS",
          ValueType.text(),
          "3479-3978",
          "UDP ports the UDP relay gives its sessions, one each: N-M, any, or off.");

  /** {@code --relay-region-id}. */
  public static final Flag<Integer> REGION_ID =
      Flag.of(
          "--relay-region-id",
          "TRELLIS_RELAY_REGION_ID",
          ValueType.integer(1, 65535),
          "1",
          "Numeric id of this relay's region in the relay map.");

  /** {@code --relay-region-code}. */
  public static final Flag<String> REGION_CODE =
      Flag.of(
          "--relay-region-code",
          "TRELLIS_RELAY_REGION_CODE",
          ValueType.token(),
          "default",
          "Short code of this relay's region, e.g. fra.");

  /** {@code --relay-hostname}. */
  public static final Flag<String> HOSTNAME =
      Flag.of(
          "--relay-hostname",
          "TRELLIS_RELAY_HOSTNAME",
          ValueType.text(),
          "",
          "Hostname devices connect to; empty = this host's name.");

  /** {@code --relay-addresses}. */
  public static final Flag<String> ADDRESSES =
      Flag.of(
          "--relay-addresses",
          "TRELLIS_RELAY_ADDRESSES",
          ValueType.text(),
          "",
          "Comma-separated IP addresses devices should dial; empty = this host's non-loopback ones.");

  /** {@code --relay-cert}. */
  public static final Flag<String> CERT =
      Flag.of(
          "--relay-cert",
          "TRELLIS_RELAY_CERT",
          ValueType.text(),
          "",
          "PEM certificate file for the relay's TLS; empty = a self-signed one in the state dir.");

  /** {@code --relay-key}. */
  public static final Flag<String> KEY =
      Flag.of(
          "--relay-key",
          "TRELLIS_RELAY_KEY",
          ValueType.text(),
          "",
          "PEM private key file (PKCS#8) matching --relay-cert.");

  /** {@code --relay-insecure-plaintext}. */
  public static final Flag<Boolean> INSECURE_PLAINTEXT =
      Flag.of(
          "--relay-insecure-plaintext",
          "TRELLIS_RELAY_INSECURE_PLAINTEXT",
          ValueType.bool(),
          "false",
          "Serve the relay protocol over plain TCP (tests only; never in production).");

  /** {@code --relay-queue-per-source}: bytes one source may have waiting for one device. */
  public static final Flag<Long> QUEUE_PER_SOURCE =
      Flag.of(
          "--relay-queue-per-source",
          "TRELLIS_RELAY_QUEUE_PER_SOURCE",
          ValueType.bytes(2L * dev.trellis.proto.relay.Frames.MAX_PAYLOAD_BYTES, 1L << 30),
          "4m",
          "Bytes one device may have waiting in the relay for another that reads slower; more is"
              + " dropped. The default holds what one relayed TCP flow keeps in flight.");

  /** {@code --relay-queue-memory}: bytes all outbound queues of the instance hold together. */
  public static final Flag<Long> QUEUE_MEMORY =
      Flag.of(
          "--relay-queue-memory",
          "TRELLIS_RELAY_QUEUE_MEMORY",
          ValueType.bytes(0, 1L << 40),
          "0",
          "Bytes all the relay's outbound queues hold together before it drops (counted as"
              + " relay_memory); 0 = a quarter of the maximum heap.");

  /** Every relay flag. */
  public static final List<Flag<?>> ALL =
      List.of(
          RELAY_PORT,
          STUN_PORT,
          UDP_RELAY_PORTS,
          REGION_ID,
          REGION_CODE,
          HOSTNAME,
          ADDRESSES,
          CERT,
          KEY,
          INSECURE_PLAINTEXT,
          QUEUE_PER_SOURCE,
          QUEUE_MEMORY);

  private RelayFlags() {}
}
