package dev.trellis.runtime.projection;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The named Hazelcast maps of one projection within a namespace: live maps are {@code
 * <projection>.<map>}, a rebuild's are {@code <verifyPrefix>.<projection>.<map>}. Values may be
 * {@code byte[]} or any Hazelcast-serializable type; verification compares them with {@code
 * Objects.deepEquals}.
 *
 * <p>Thread-safe (Hazelcast proxies are).
 */
public final class ProjectionMaps {
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private final HazelcastInstance hazelcast;
  private final String namespace;
  private final String projection;

  ProjectionMaps(HazelcastInstance hazelcast, String namespace, String projection) {
    this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
    this.namespace = namespace;
    this.projection = checkName(projection, "projection");
  }

  /** The live maps of {@code projection}. */
  public static ProjectionMaps live(HazelcastInstance hazelcast, String projection) {
    return new ProjectionMaps(hazelcast, "", projection);
  }

  /** The map {@code name} ({@code [a-z0-9][a-z0-9-]*}) of this projection in this namespace. */
  public <K, V> IMap<K, V> map(String name) {
    return hazelcast.getMap(mapName(checkName(name, "map")));
  }

  /** The full Hazelcast name of map {@code name}. */
  public String mapName(String name) {
    return prefix() + name;
  }

  /** Every map of this projection in this namespace starts with this. */
  String prefix() {
    return namespace + projection + ".";
  }

  static String checkName(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " name must match " + NAME + ": " + name);
    }
    return name;
  }
}
