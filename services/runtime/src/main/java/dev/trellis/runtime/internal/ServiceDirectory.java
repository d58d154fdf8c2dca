package dev.trellis.runtime.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Where each service's instances can be reached over HTTP: every process registers the base URL of
 * its HTTP server for each service it runs, keyed by service name and Hazelcast member, and a
 * caller {@link #locate}s an instance whose member is still in the cluster (its own process first).
 * Entries of members that left are removed by the surviving members, so adding or losing an
 * instance needs no configuration anywhere.
 *
 * <p>Thread-safety: thread-safe; the map is Hazelcast's.
 */
public final class ServiceDirectory {
  /** The Hazelcast map of {@code service|memberUuid -> base URL}. */
  public static final String MAP = "runtime.service-endpoints";

  private final HazelcastInstance hazelcast;
  private final IMap<String, String> endpoints;

  /** A directory over {@code hazelcast}'s map; cleans up after members that leave. */
  public ServiceDirectory(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
    this.endpoints = hazelcast.getMap(MAP);
    hazelcast
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {}

              @Override
              public void memberRemoved(MembershipEvent event) {
                forget(event.getMember().getUuid());
              }
            });
  }

  /**
   * Records that this process serves {@code service} at {@code baseUrl} (no trailing slash).
   * Asynchronous (the entry may live on another member), so that an event loop can call it.
   */
  public CompletionStage<Void> register(String service, String baseUrl) {
    return endpoints.setAsync(
        key(service, hazelcast.getCluster().getLocalMember().getUuid()), baseUrl);
  }

  /** Removes this process's entry for {@code service}. */
  public void unregister(String service) {
    endpoints.delete(key(service, hazelcast.getCluster().getLocalMember().getUuid()));
  }

  /**
   * The base URL of a live instance of {@code service}: this process's own if it runs one,
   * otherwise a random live one.
   *
   * @throws ApiException {@code UNAVAILABLE} if no instance is registered
   */
  public String locate(String service) {
    UUID self = hazelcast.getCluster().getLocalMember().getUuid();
    String own = endpoints.get(key(service, self));
    if (own != null) {
      return own;
    }
    Set<String> live =
        hazelcast.getCluster().getMembers().stream()
            .map(m -> key(service, m.getUuid()))
            .collect(Collectors.toSet());
    List<String> candidates = new ArrayList<>();
    for (String k : live) {
      String url = endpoints.get(k);
      if (url != null) {
        candidates.add(url);
      }
    }
    if (candidates.isEmpty()) {
      throw ApiException.of(
          ErrorCode.UNAVAILABLE, "No instance of the " + service + " service is running.");
    }
    return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }

  /** The base URL a process reachable at {@code member}'s address on {@code port} serves at. */
  public static String baseUrl(Member member, String httpHost, int port) {
    String host =
        httpHost.equals("0.0.0.0") || httpHost.equals("::")
            ? member.getAddress().getHost()
            : httpHost;
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private void forget(UUID member) {
    String suffix = "|" + member;
    for (String k : endpoints.keySet()) {
      if (k.endsWith(suffix)) {
        endpoints.delete(k);
      }
    }
  }

  private static String key(String service, UUID member) {
    return service + "|" + member;
  }
}
