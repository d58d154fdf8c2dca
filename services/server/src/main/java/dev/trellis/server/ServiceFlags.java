package dev.trellis.server;

import dev.trellis.runtime.config.Flag;
import dev.trellis.runtime.config.ValueType;
import java.time.Duration;
import java.util.List;

/**
 * Flags of individual services that an operator may tune (beyond the shared ones in {@link
 * dev.trellis.runtime.config.Settings}); {@link ServiceCatalog} turns them into each service's
 * options.
 *
 * <p>Thread-safety: constants only.
 */
public final class ServiceFlags {
  /** {@code --ephemeral-offline-timeout}: when the key registry removes offline ephemeral nodes. */
  public static final Flag<Duration> EPHEMERAL_OFFLINE_TIMEOUT =
      Flag.of(
          "--ephemeral-offline-timeout",
          "TRELLIS_EPHEMERAL_OFFLINE_TIMEOUT",
          ValueType.duration(),
          "5m",
          "How long an ephemeral node may stay offline before it is removed.");

  /** Every service flag, for parsing and usage text. */
  public static final List<Flag<?>> ALL =
      java.util.stream.Stream.of(
              List.<Flag<?>>of(EPHEMERAL_OFFLINE_TIMEOUT),
              dev.trellis.ipam.IpamService.FLAGS,
              dev.trellis.relay.RelayService.FLAGS)
          .flatMap(List::stream)
          .toList();

  private ServiceFlags() {}
}
