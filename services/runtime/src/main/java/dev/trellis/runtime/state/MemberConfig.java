package dev.trellis.runtime.state;

import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.trellis.runtime.config.ConfigException;
import dev.trellis.runtime.config.HostPort;
import dev.trellis.runtime.config.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Builds the Hazelcast member {@link Config} Trellis runs with: TCP-IP join with an explicit member
 * list (multicast and auto-detection off), a cluster name, a fixed port without auto-increment,
 * bound to one interface, phone-home and Hazelcast's own metrics off, logging through slf4j. A YAML
 * or XML file given with {@code --hazelcast-config} replaces the flags; the quiet-operation
 * properties are still applied unless the file sets them.
 *
 * <p>Thread-safety: stateless; each call returns a new Config.
 */
public final class MemberConfig {
  /** Properties every Trellis member runs with (unless a config file sets them). */
  private static final String[][] QUIET_PROPERTIES = {
    {"hazelcast.phone.home.enabled", "false"},
    {"hazelcast.logging.type", "slf4j"},
    {"hazelcast.shutdownhook.enabled", "false"},
    {"hazelcast.wait.seconds.before.join", "1"},
  };

  private MemberConfig() {}

  /** The config described by {@code settings} (a file if {@code --hazelcast-config} is set). */
  public static Config from(Settings settings) {
    if (settings.hazelcastConfig().isPresent()) {
      return fromFile(settings.hazelcastConfig().get());
    }
    Config config = new Config();
    config.setClusterName(settings.hazelcastCluster());
    config.setInstanceName(
        "trellis-" + settings.hazelcastInterface() + "-" + settings.hazelcastPort());
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.hazelcastPort()).setPortAutoIncrement(false);
    // Bind and announce exactly this address. Not through the interfaces list: with interface
    // matching on, Hazelcast ignores TCP-IP members whose address does not match it, so members on
    // other hosts or containers would each form a cluster of one.
    network.setPublicAddress(settings.hazelcastInterface() + ":" + settings.hazelcastPort());
    config.setProperty("hazelcast.local.localAddress", settings.hazelcastInterface());
    config.setProperty("hazelcast.socket.bind.any", "false");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(3);
    for (HostPort member : settings.hazelcastMembers()) {
      join.getTcpIpConfig().addMember(member.toString());
    }
    long joinSeconds = Math.max(5, settings.hazelcastJoinTimeout().toSeconds());
    config.setProperty("hazelcast.max.join.seconds", Long.toString(joinSeconds));
    config.getMetricsConfig().setEnabled(false);
    config.getJetConfig().setEnabled(false);
    applyQuietProperties(config);
    return config;
  }

  /**
   * The config in {@code file}: YAML for {@code .yaml}/{@code .yml}, XML for {@code .xml}.
   *
   * @throws ConfigException naming the file when it cannot be read or is not a valid config
   */
  public static Config fromFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".xml"))) {
      throw new ConfigException("--hazelcast-config: " + file + " must end in .yaml, .yml or .xml");
    }
    Config config;
    try {
      config = Config.loadFromFile(file.toFile());
    } catch (IOException e) {
      throw new ConfigException("--hazelcast-config: cannot read " + file + ": " + e, e);
    } catch (InvalidConfigurationException | IllegalArgumentException e) {
      throw new ConfigException(
          "--hazelcast-config: " + file + " is not a valid Hazelcast config: " + e.getMessage(), e);
    }
    applyQuietProperties(config);
    return config;
  }

  private static void applyQuietProperties(Config config) {
    for (String[] property : QUIET_PROPERTIES) {
      if (config.getProperty(property[0]) == null) {
        config.setProperty(property[0], property[1]);
      }
    }
  }
}
