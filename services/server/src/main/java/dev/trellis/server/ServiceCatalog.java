package dev.trellis.server;

import dev.trellis.coordinator.CoordinatorService;
import dev.trellis.identity.IdentityService;
import dev.trellis.ipam.IpamService;
import dev.trellis.keys.KeysOptions;
import dev.trellis.keys.KeysService;
import dev.trellis.policy.PolicyService;
import dev.trellis.relay.RelayService;
import dev.trellis.runtime.config.ConfigException;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.service.TrellisService;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every service this server can run, by name, in start order (identity first: the others authorize
 * requests against its projection).
 *
 * <p>Thread-safety: stateless.
 */
public final class ServiceCatalog {
  /** The value of {@code --service} that runs every service in one process. */
  public static final String ALL = "all";

  private static final Map<String, Function<Settings, TrellisService>> SERVICES =
      new LinkedHashMap<>();

  static {
    SERVICES.put("identity", s -> new IdentityService());
    SERVICES.put(
        "keys",
        s ->
            new KeysService(
                Clock.systemUTC(),
                new KeysOptions(
                    KeysOptions.DEFAULTS.sweepInterval(),
                    s.values().get(ServiceFlags.EPHEMERAL_OFFLINE_TIMEOUT))));
    SERVICES.put(
        "ipam",
        s -> new IpamService(Clock.systemUTC(), s.values().get(IpamService.RELEASE_COOL_DOWN)));
    SERVICES.put("policy", s -> new PolicyService());
    SERVICES.put("coordinator", s -> new CoordinatorService());
    SERVICES.put("relay", s -> new RelayService());
  }

  private ServiceCatalog() {}

  /** The services {@code --service NAME} selects: one, or all of them for {@value #ALL}. */
  public static List<TrellisService> select(Settings settings) {
    String name = settings.service();
    if (ALL.equals(name)) {
      return SERVICES.values().stream().map(f -> f.apply(settings)).toList();
    }
    Function<Settings, TrellisService> one = SERVICES.get(name);
    if (one == null) {
      throw new ConfigException(
          "--service: unknown service '"
              + name
              + "'; expected one of "
              + ALL
              + ", "
              + String.join(", ", SERVICES.keySet()));
    }
    return List.of(one.apply(settings));
  }
}
