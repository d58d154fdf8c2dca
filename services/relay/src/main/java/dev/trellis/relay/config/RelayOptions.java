package dev.trellis.relay.config;

import dev.trellis.runtime.config.ConfigException;
import dev.trellis.runtime.config.FlagValues;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Everything a relay instance is configured with.
 *
 * <p>Thread-safety: immutable.
 *
 * @param relayPort TCP port of the relay protocol (0 = any)
 * @param stunPort UDP port of STUN (0 = any, -1 = off)
 * @param regionId the region id (> 0)
 * @param regionCode the region code
 * @param hostname the hostname devices connect to
 * @param addresses the addresses devices should dial
 * @param certFile PEM certificate, or empty for a self-signed one
 * @param keyFile PEM key matching certFile
 * @param insecurePlaintext plain TCP instead of TLS (tests only)
 * @param bindHost the interface the relay and STUN sockets bind
 * @param keepalive how often the relay sends KEEPALIVE to an idle device (and expects traffic)
 * @param handshakeTimeout how long a device has to prove its key
 * @param queueLimits how much the relay holds for devices that read slower than they are sent to
 * @param revalidateInterval how often connected nodes are re-checked against the key registry
 * @param udpRelayPorts the UDP relay's session ports (or off)
 */
public record RelayOptions(
    int relayPort,
    int stunPort,
    int regionId,
    String regionCode,
    String hostname,
    List<String> addresses,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    boolean insecurePlaintext,
    String bindHost,
    Duration keepalive,
    Duration handshakeTimeout,
    QueueLimits queueLimits,
    Duration revalidateInterval,
    UdpRelayPorts udpRelayPorts) {

  /** Checks the values. */
  public RelayOptions {
    addresses = List.copyOf(addresses);
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new ConfigException("--relay-cert and --relay-key must be given together");
    }
    if (regionId <= 0) {
      throw new ConfigException("--relay-region-id must be > 0");
    }
  }

  /** Options from parsed flags (the process must have declared {@link RelayFlags#ALL}). */
  public static RelayOptions from(FlagValues v, String bindHost) {
    String cert = v.get(RelayFlags.CERT);
    String key = v.get(RelayFlags.KEY);
    String host = v.get(RelayFlags.HOSTNAME);
    String addrs = v.get(RelayFlags.ADDRESSES);
    return new RelayOptions(
        v.get(RelayFlags.RELAY_PORT),
        v.get(RelayFlags.STUN_PORT),
        v.get(RelayFlags.REGION_ID),
        v.get(RelayFlags.REGION_CODE),
        host.isBlank() ? localHostname() : host.trim(),
        addrs.isBlank() ? localAddresses() : parseAddresses(addrs),
        cert.isBlank() ? Optional.empty() : Optional.of(Path.of(cert)),
        key.isBlank() ? Optional.empty() : Optional.of(Path.of(key)),
        v.get(RelayFlags.INSECURE_PLAINTEXT),
        bindHost,
        Duration.ofSeconds(60),
        v.get(dev.trellis.runtime.config.Settings.HANDSHAKE_TIMEOUT),
        new QueueLimits(v.get(RelayFlags.QUEUE_PER_SOURCE), v.get(RelayFlags.QUEUE_MEMORY)),
        Duration.ofSeconds(30),
        UdpRelayPorts.parse(v.get(RelayFlags.UDP_RELAY_PORTS)));
  }

  /** Options for tests: loopback, any ports, TLS with a self-signed certificate. */
  public static RelayOptions forTests(int regionId, String regionCode) {
    return new RelayOptions(
        0,
        0,
        regionId,
        regionCode,
        "localhost",
        List.of("127.0.0.1"),
        Optional.empty(),
        Optional.empty(),
        false,
        "127.0.0.1",
        Duration.ofSeconds(60),
        Duration.ofSeconds(5),
        new QueueLimits(256 * 1024, 64L << 20),
        Duration.ofSeconds(30),
        UdpRelayPorts.ANY);
  }

  /** These options with other queue limits. */
  public RelayOptions withQueueLimits(QueueLimits limits) {
    return new RelayOptions(
        relayPort,
        stunPort,
        regionId,
        regionCode,
        hostname,
        addresses,
        certFile,
        keyFile,
        insecurePlaintext,
        bindHost,
        keepalive,
        handshakeTimeout,
        limits,
        revalidateInterval,
        udpRelayPorts);
  }

  /** These options serving plain TCP instead of TLS (tests only). */
  public RelayOptions withPlaintext() {
    return new RelayOptions(
        relayPort,
        stunPort,
        regionId,
        regionCode,
        hostname,
        addresses,
        certFile,
        keyFile,
        true,
        bindHost,
        keepalive,
        handshakeTimeout,
        queueLimits,
        revalidateInterval,
        udpRelayPorts);
  }

  /** These options with a different bind host (e.g. {@code ::} for dual-stack STUN tests). */
  public RelayOptions withBindHost(String host) {
    return new RelayOptions(
        relayPort,
        stunPort,
        regionId,
        regionCode,
        hostname,
        addresses,
        certFile,
        keyFile,
        insecurePlaintext,
        host,
        keepalive,
        handshakeTimeout,
        queueLimits,
        revalidateInterval,
        udpRelayPorts);
  }

  /** These options with other UDP relay ports (or {@link UdpRelayPorts#OFF}). */
  public RelayOptions withUdpRelayPorts(UdpRelayPorts ports) {
    return new RelayOptions(
        relayPort,
        stunPort,
        regionId,
        regionCode,
        hostname,
        addresses,
        certFile,
        keyFile,
        insecurePlaintext,
        bindHost,
        keepalive,
        handshakeTimeout,
        queueLimits,
        revalidateInterval,
        ports);
  }

  static List<String> parseAddresses(String text) {
    List<String> out = new ArrayList<>();
    for (String a : text.split(",")) {
      String s = a.trim();
      if (s.isEmpty()) {
        continue;
      }
      if (!s.matches("[0-9a-fA-F:.]+")) {
        throw new ConfigException("--relay-addresses: '" + s + "' is not an IP address");
      }
      try {
        out.add(InetAddress.getByName(s).getHostAddress());
      } catch (UnknownHostException e) {
        throw new ConfigException("--relay-addresses: '" + s + "' is not an IP address");
      }
    }
    return out;
  }

  private static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private static List<String> localAddresses() {
    List<String> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
        if (!nif.isUp() || nif.isLoopback()) {
          continue;
        }
        for (InetAddress a : nif.inetAddresses().toList()) {
          if (a.isLinkLocalAddress() || a.isLoopbackAddress()) {
            continue;
          }
          String text = a.getHostAddress();
          int zone = text.indexOf('%');
          out.add(a instanceof Inet6Address && zone >= 0 ? text.substring(0, zone) : text);
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    return Arrays.asList(out.toArray(String[]::new));
  }
}
