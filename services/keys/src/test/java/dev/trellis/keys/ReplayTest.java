package dev.trellis.keys;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.keys.projection.NodeProjection;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.projection.ProjectionVerifier;
import dev.trellis.runtime.projection.VerifyReport;
import dev.trellis.testkit.ClusterTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The projection rebuilt from the log equals the live one after a mix of changes. */
@ClusterTest
class ReplayTest {

  @Test
  void rebuildEqualsLive(KeysCluster c) throws Exception {
    String tn = c.tailnet();
    String admin = c.token(tn, UserRole.ADMIN, false);
    Device d = new Device("replayed");
    String a = c.service(0).post("/api/v1/internal/nodes/register", d.register(tn)).text("nodeId");
    String b =
        c.service(1)
            .post("/api/v1/internal/nodes/register", new Device("other").register(tn))
            .text("nodeId");
    d.nodeKey = Device.newNodeKey();
    c.service(1).post("/api/v1/internal/nodes/register", d.register(tn));
    c.api(0, admin).post("/api/v1/nodes/" + a + "/rename", Map.of("name", "renamed"));
    c.api(0, admin).post("/api/v1/nodes/" + a + "/tags", Map.of("tags", List.of("tag:x")));
    c.advertise(tn, b, "10.7.0.0/16", "0.0.0.0/0", "::/0");
    c.advertise(tn, a, "10.6.0.0/16");
    LifecycleTest.waitUntil(() -> RoutesApiTest.advertised(c, admin, a).size() == 1);
    c.api(0, admin)
        .post("/api/v1/nodes/" + a + "/routes", Map.of("routes", List.of("10.6.0.0/16")));
    c.api(1, admin).post("/api/v1/nodes/" + a + "/expire", "{}");
    c.api(1, admin).delete("/api/v1/nodes/" + b);

    var node = c.nodes.getFirst();
    VerifyReport report =
        new ProjectionVerifier(node.vertx(), node.log(), node.hazelcast())
            .verify(List.of(new NodeProjection()))
            .await();
    assertTrue(report.consistent(), report.differences().toString());
    assertTrue(report.entriesCompared() > 0);
    assertTrue(report.mapsCompared() >= 5, "maps compared: " + report.mapsCompared());
    var live = RoutesApiTest.approvals(c, a);
    assertTrue(!live.isEmpty(), "the replay covered an approval");
  }
}
