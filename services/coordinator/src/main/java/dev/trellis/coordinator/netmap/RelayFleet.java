package dev.trellis.coordinator.netmap;

import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.proto.control.v1.RelayRegion;
import dev.trellis.proto.event.v1.RelayInstanceStarted;
import dev.trellis.proto.event.v1.RelayInstanceStopped;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * The relay instances that are up, folded from {@code trellis.relay} (RelayInstanceStarted /
 * RelayInstanceStopped), and the relay map every device gets from them: one region per region id,
 * its servers ordered by instance id. The map is rebuilt only when the fleet changes (rare), and
 * kept, so a full netmap costs nothing extra.
 *
 * <p>Thread-safety: not thread-safe; owned by the {@link NetmapModel}'s single thread.
 */
public final class RelayFleet {
  private final Map<String, RelayInstanceStarted> instances = new TreeMap<>();
  private RelayMap map = RelayMap.getDefaultInstance();

  /** The current relay map. */
  public RelayMap map() {
    return map;
  }

  /** An instance started (or restarted with new details); true if the map changed. */
  boolean started(RelayInstanceStarted s) {
    if (s.getInstanceId().isEmpty() || s.getRegionId() == 0) {
      return false; // not usable: a region id of 0 means "none" everywhere
    }
    RelayInstanceStarted old = instances.put(s.getInstanceId(), s);
    return !s.equals(old) && rebuild();
  }

  /** An instance stopped; true if the map changed. */
  boolean stopped(RelayInstanceStopped s) {
    return instances.remove(s.getInstanceId()) != null && rebuild();
  }

  private boolean rebuild() {
    Map<Integer, RelayRegion.Builder> regions = new TreeMap<>();
    for (RelayInstanceStarted s : instances.values()) {
      int id = s.getRegionId();
      RelayRegion.Builder r =
          regions.computeIfAbsent(
              id,
              k ->
                  RelayRegion.newBuilder()
                      .setRegionId(k)
                      .setRegionCode(s.getRegionCode())
                      .setRegionName(s.getRegionCode()));
      RelayNode.Builder n =
          RelayNode.newBuilder()
              .setName(s.getInstanceId())
              .setRegionId(id)
              .setHostname(s.getHostname())
              .setRelayPort(s.getRelayPort())
              .setStunPort(s.getStunPort())
              .setTlsSpkiSha256(s.getTlsSpkiSha256());
      for (String a : s.getAddressesList()) {
        if (isIpv6(a)) {
          if (n.getIpv6().isEmpty()) {
            n.setIpv6(a);
          }
        } else if (n.getIpv4().isEmpty() && isIpv4(a)) {
          n.setIpv4(a);
        }
      }
      r.addNodes(n);
    }
    RelayMap.Builder b = RelayMap.newBuilder();
    regions.forEach((id, r) -> b.putRegions(id, r.build()));
    RelayMap next = b.build();
    if (next.equals(map)) {
      return false;
    }
    map = next;
    return true;
  }

  private static boolean isIpv4(String a) {
    return a.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  private static boolean isIpv6(String a) {
    if (!a.contains(":") || !a.matches("[0-9A-Fa-f:.]+")) {
      return false;
    }
    try {
      // In brackets, an invalid literal is an error, never a name lookup on the model thread.
      return InetAddress.getByName("[" + a + "]") instanceof Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
