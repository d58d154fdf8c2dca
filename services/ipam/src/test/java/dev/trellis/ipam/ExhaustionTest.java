package dev.trellis.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.ipam.address.AddressPool;
import dev.trellis.ipam.projection.AllocationStore;
import dev.trellis.testkit.tag.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A full pool: two instances whose pool is only the first {@link #POOL} addresses (a test-only
 * constructor parameter), with a short cool-down.
 */
@IntegrationTest
class ExhaustionTest {
  static final int POOL = 16;
  static final Duration COOL_DOWN = Duration.ofMillis(1500);
  static IpamCluster c;

  @BeforeAll
  static void start() throws Exception {
    c = new IpamCluster(AddressPool.limited(POOL), COOL_DOWN);
  }

  @AfterAll
  static void stop() {
    if (c != null) {
      c.close();
    }
  }

  @Test
  void aFullPoolIsAClearErrorAndAReleasedAddressReturnsOnlyAfterItsCoolDown() {
    String tn = c.tailnet();
    List<String> ids = c.nodes(tn, POOL);
    Set<String> got = new HashSet<>();
    for (int i = 0; i < POOL; i++) {
      var r = c.allocate(i % 2, tn, ids.get(i));
      assertEquals(200, r.status(), r.body());
      got.add(r.text("ipv4"));
    }
    assertEquals(POOL, got.size());
    String late = c.node(tn);
    var full = c.allocate(0, tn, late);
    assertEquals(507, full.status(), full.body());
    assertEquals("ADDRESS_EXHAUSTED", full.code());
    String message = full.json().path("error").path("message").asText();
    assertTrue(message.contains(POOL + " addresses") && message.contains(tn), message);

    String victim = ids.get(5);
    String freed = c.allocate(1, tn, victim).text("ipv4");
    AllocationStore store = new AllocationStore(c.hz());
    c.remove(tn, victim);
    Await.until("release", Duration.ofSeconds(20), () -> store.of(tn, victim).isEmpty());
    long releasedAt = System.nanoTime();
    var cooling = c.allocate(1, tn, late);
    assertEquals("ADDRESS_EXHAUSTED", cooling.code(), "not reused during the cool-down");
    assertTrue(System.nanoTime() - releasedAt < COOL_DOWN.toNanos(), "checked within cool-down");

    Await.until(
        "cool-down over", Duration.ofSeconds(10), () -> c.allocate(0, tn, late).status() == 200);
    assertEquals(freed, c.allocate(1, tn, late).text("ipv4"));
  }

  @Test
  void racingForTheLastAddressesThroughTwoInstancesGivesEachToOneNode() throws Exception {
    String tn = c.tailnet();
    int threads = 8;
    int each = 5;
    List<String> ids = c.nodes(tn, threads * each);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<String>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                List<String> out = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                  var r = c.allocate((thread + i) % 2, tn, ids.get(thread * each + i));
                  if (r.status() == 200) {
                    out.add(r.text("ipv4"));
                  } else {
                    assertEquals("ADDRESS_EXHAUSTED", r.code(), r.body());
                  }
                }
                return out;
              }));
    }
    List<String> all = new ArrayList<>();
    for (Future<List<String>> f : results) {
      all.addAll(f.get());
    }
    pool.shutdown();
    assertEquals(POOL, all.size(), "exactly the pool is handed out: " + all);
    assertEquals(POOL, new HashSet<>(all).size(), "each address to one node: " + all);
  }
}
