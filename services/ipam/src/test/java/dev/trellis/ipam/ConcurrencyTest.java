package dev.trellis.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.ipam.projection.AllocationProjection;
import dev.trellis.runtime.projection.ProjectionMaps;
import dev.trellis.testkit.ClusterTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Many allocations at once through both instances: every node its own addresses. */
@ClusterTest
class ConcurrencyTest {
  static final int THREADS = 8;
  static final int PER_THREAD = 250;

  @Test
  void concurrentAllocationsForDistinctNodesThroughTwoInstancesNeverShareAnAddress(IpamCluster c)
      throws Exception {
    String tn = c.tailnet();
    List<String> ids = c.nodes(tn, THREADS * PER_THREAD);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<List<String>>> results = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Callable<List<String>> work =
          () -> {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < PER_THREAD; i++) {
              String node = ids.get(thread * PER_THREAD + i);
              var r = c.allocate((thread + i) % 2, tn, node);
              assertEquals(200, r.status(), r.body());
              got.add(r.text("ipv4") + " " + r.text("ipv6"));
            }
            return got;
          };
      results.add(pool.submit(work));
    }
    Set<String> v4 = new HashSet<>();
    Set<String> v6 = new HashSet<>();
    for (Future<List<String>> f : results) {
      for (String pair : f.get()) {
        String[] parts = pair.split(" ");
        v4.add(parts[0]);
        v6.add(parts[1]);
      }
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "ipam: %d allocations in %.2f s (%.0f/s) with %d threads over 2 instances%n",
        ids.size(), seconds, ids.size() / seconds, THREADS);
    assertEquals(ids.size(), v4.size(), "distinct IPv4 addresses");
    assertEquals(ids.size(), v6.size(), "distinct IPv6 addresses");
    var maps = ProjectionMaps.live(c.hz(), AllocationProjection.NAME);
    assertEquals(
        (long) ids.size(), maps.<String, Long>map(AllocationProjection.HELD).get(tn), "held count");
    var listed = c.api(0, c.adminToken).get("/api/v1/addresses?tailnet=" + tn);
    assertEquals(ids.size(), listed.json().path("addresses").size());
  }

  @Test
  void concurrentRequestsForOneNodeAllGetTheSameAddresses(IpamCluster c) throws Exception {
    String tn = c.tailnet();
    c.nodes(tn, 5); // others first, so the node's address is not simply the first
    String node = c.node(tn);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<String>> results = new ArrayList<>();
    for (int t = 0; t < THREADS * 2; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                var r = c.allocate(thread % 2, tn, node);
                assertEquals(200, r.status(), r.body());
                return r.text("ipv4") + " " + r.text("ipv6");
              }));
    }
    Set<String> answers = new HashSet<>();
    for (Future<String> f : results) {
      answers.add(f.get());
    }
    pool.shutdown();
    assertEquals(1, answers.size(), answers.toString());
  }
}
