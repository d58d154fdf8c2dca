package dev.trellis.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.ipam.projection.AllocationProjection;
import dev.trellis.ipam.projection.AllocationStore;
import dev.trellis.runtime.projection.ProjectionVerifier;
import dev.trellis.runtime.projection.VerifyReport;
import dev.trellis.testkit.ClusterTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allocation projection rebuilt from trellis.ipam equals the live one. */
@ClusterTest
class ReplayTest {

  @Test
  void rebuildEqualsLiveAfterAllocationsAndReleases(IpamCluster c) {
    String tn = c.tailnet();
    List<String> ids = c.nodes(tn, 6);
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(200, c.allocate(i % 2, tn, ids.get(i)).status());
    }
    AllocationStore store = new AllocationStore(c.hz());
    c.remove(tn, ids.get(1));
    c.remove(tn, ids.get(4));
    Await.until(
        "releases",
        Duration.ofSeconds(20),
        () -> store.of(tn, ids.get(1)).isEmpty() && store.of(tn, ids.get(4)).isEmpty());
    assertEquals(4, store.held(tn));

    var node = c.nodes.getFirst();
    VerifyReport report =
        new ProjectionVerifier(node.vertx(), node.log(), node.hazelcast())
            .verify(List.of(new AllocationProjection()))
            .await();
    assertTrue(report.consistent(), report.differences().toString());
    assertEquals(3, report.mapsCompared());
    assertTrue(report.entriesCompared() >= 4 + 6 + 1, "entries: " + report.entriesCompared());
  }
}
