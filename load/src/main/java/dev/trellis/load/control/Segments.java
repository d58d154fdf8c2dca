package dev.trellis.load.control;

import java.util.Collection;
import java.util.StringJoiner;
import java.util.function.ToIntFunction;

/**
 * How the load tailnet is divided ({@code --segments S}). With one segment it is one open tailnet:
 * no tags, the default policy, every device sees every other. With S segments, device index i
 * belongs to segment {@code i mod S}, joins with an auth key tagged {@code tag:seg<k>}, and the
 * policy has one ACL per segment, so a device sees exactly the devices of its own segment — a
 * change to a device affects its segment only, which is how large tailnets are run (teams, sites).
 *
 * <p>Thread-safety: immutable.
 */
final class Segments {
  private final int count;

  Segments(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("segments must be at least 1, got " + count);
    }
    this.count = count;
  }

  int count() {
    return count;
  }

  boolean open() {
    return count == 1;
  }

  int of(int deviceIndex) {
    return Math.floorMod(deviceIndex, count);
  }

  boolean same(int a, int b) {
    return of(a) == of(b);
  }

  static String tag(int segment) {
    return "tag:seg" + segment;
  }

  /**
   * The tailnet policy allowing {@code ports} ("*" or a list such as "22,80,443") within each
   * segment (from anyone to anyone when the tailnet is open).
   */
  String policy(String ports) {
    if (open()) {
      return "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:"
          + ports
          + "\"]}]}";
    }
    StringJoiner owners = new StringJoiner(", ");
    StringJoiner acls = new StringJoiner(",\n  ");
    for (int s = 0; s < count; s++) {
      owners.add("\"" + tag(s) + "\": [\"autogroup:admin\"]");
      acls.add(
          "{\"action\": \"accept\", \"src\": [\""
              + tag(s)
              + "\"], \"dst\": [\""
              + tag(s)
              + ":"
              + ports
              + "\"]}");
    }
    return "{\"tagOwners\": {" + owners + "},\n \"acls\": [\n  " + acls + "]}";
  }

  /** Devices of {@code population} in each segment. */
  int[] sizes(Collection<SimDevice> population) {
    int[] n = new int[count];
    for (SimDevice d : population) {
      n[of(d.index)]++;
    }
    return n;
  }

  /**
   * The peers a device should hold when {@code population} (which it is part of) is connected: the
   * others of its segment.
   */
  ToIntFunction<SimDevice> expectedPeers(Collection<SimDevice> population) {
    int[] n = sizes(population);
    return d -> n[of(d.index)] - 1;
  }
}
