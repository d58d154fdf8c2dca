package dev.trellis.server;

import dev.trellis.coordinator.CoordinatorService;
import dev.trellis.identity.IdentityService;
import dev.trellis.ipam.IpamService;
import dev.trellis.keys.KeysService;
import dev.trellis.policy.PolicyService;
import dev.trellis.relay.RelayService;
import dev.trellis.runtime.config.ConfigException;
import dev.trellis.runtime.service.TrellisService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every service this server can run, by name, in start order (identity first: the others authorize
 * requests against its projection).
 *
 * <p>Thread-safety: stateless.
 */
public final class ServiceCatalog {
  /** The value of {@code --service} that runs every service in one process. */
  public static final String ALL = "all";

  private static final Map<String, Supplier<TrellisService>> SERVICES = new LinkedHashMap<>();

  static {
    SERVICES.put("identity", IdentityService::new);
    SERVICES.put("keys", KeysService::new);
    SERVICES.put("ipam", IpamService::new);
    SERVICES.put("policy", PolicyService::new);
    SERVICES.put("coordinator", CoordinatorService::new);
    SERVICES.put("relay", RelayService::new);
  }

  private ServiceCatalog() {}

  /** The services {@code --service NAME} selects: one, or all of them for {@value #ALL}. */
  public static List<TrellisService> select(String name) {
    if (ALL.equals(name)) {
      return SERVICES.values().stream().map(Supplier::get).toList();
    }
    Supplier<TrellisService> one = SERVICES.get(name);
    if (one == null) {
      throw new ConfigException(
          "--service: unknown service '"
              + name
              + "'; expected one of "
              + ALL
              + ", "
              + String.join(", ", SERVICES.keySet()));
    }
    return List.of(one.get());
  }
}
