package dev.trellis.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.trellis.e2e.Lab;
import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The docker-compose deployment check, {@code infra/test-compose}, as part of the test suite: it
 * installs Docker when missing, builds the images locally (no registry), brings up the stack with
 * three relays and the demo profile, and checks health, the demo devices' pings, every relay
 * serving STUN and TLS, and the audit log's joins. Skipped with {@code -Dtrellis.compose.skip=true}
 * (the script alone is the same check).
 */
@RootTest
@IntegrationTest
class ComposeDeploymentTest {
  @BeforeAll
  static void root() {
    Lab.requireRoot();
    assumeFalse(Boolean.getBoolean("trellis.compose.skip"), "-Dtrellis.compose.skip=true");
  }

  @Test
  void composeStackWithThreeRelaysServesTheDemoDevices() throws Exception {
    Command.Result r = Lab.exec(List.of(Lab.REPO.resolve("infra/test-compose").toString()), 1_500);
    System.out.println(r.out());
    assertEquals(0, r.code(), "infra/test-compose failed:\n" + r.out());
    assertTrue(r.out().contains("test-compose: PASS"), r.out());
  }
}
