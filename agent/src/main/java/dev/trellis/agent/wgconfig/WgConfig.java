package dev.trellis.agent.wgconfig;

import dev.trellis.agent.device.DeviceConfig;
import dev.trellis.agent.netconf.InterfaceAddress;
import java.util.List;

/**
 * A parsed WireGuard configuration file: the device configuration plus the interface settings that
 * wg-quick would apply.
 *
 * @param device the device configuration (private key, listen port, peers)
 * @param addresses the interface addresses from {@code Address}
 * @param mtu the MTU from {@code MTU}, or 0 when not given (the caller's default applies)
 * @param warnings keys that were accepted but ignored (wg-quick-only keys), one line each
 */
public record WgConfig(
    DeviceConfig device, List<InterfaceAddress> addresses, int mtu, List<String> warnings) {
  public WgConfig {
    addresses = List.copyOf(addresses);
    warnings = List.copyOf(warnings);
  }
}
