package dev.trellis.coordinator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.runtime.logging.ThrottledLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A device's host info reaches the log only when every field is bounded, safe text, and the routes
 * it advertises only as a valid, canonical list.
 */
class HostInfoCheckTest {
  private final ThrottledLog badInput =
      new ThrottledLog(LoggerFactory.getLogger(HostInfoCheckTest.class), new SimpleMeterRegistry());

  @Test
  void advertisedRoutesAreMadeCanonicalAndAnInvalidListIsDroppedWhole() {
    HostInfo ok =
        HostInfo.newBuilder()
            .setHostname("router")
            .addAllRoutableIps(List.of("::/0", "10.0.0.0/8", "0.0.0.0/0", "10.0.0.0/8"))
            .build();
    assertEquals(
        List.of("0.0.0.0/0", "10.0.0.0/8", "::/0"),
        Reports.withCheckedRoutes("n1", ok, badInput).getRoutableIpsList());
    assertEquals(0, badInput.count("routes_refused"));

    HostInfo bad =
        HostInfo.newBuilder()
            .setHostname("router")
            .addAllRoutableIps(List.of("10.0.0.0/8", "192.168.1.1/24"))
            .build();
    HostInfo kept = Reports.withCheckedRoutes("n1", bad, badInput);
    assertEquals(List.of(), kept.getRoutableIpsList(), "no route of an invalid list");
    assertEquals("router", kept.getHostname(), "the rest of the host info still counts");
    assertEquals(1, badInput.count("routes_refused"));
  }

  @Test
  void boundedSafeHostInfoIsAccepted() {
    assertNull(
        Reports.hostInfoProblem(
            HostInfo.newBuilder()
                .setHostname("laptop-de-zoë")
                .setOs("linux")
                .setOsVersion("Debian 13")
                .setArch("amd64")
                .build()));
  }

  @Test
  void oversizedOrUnsafeFieldsAreNamed() {
    assertEquals(
        "hostname: At most 255 characters are allowed.",
        Reports.hostInfoProblem(HostInfo.newBuilder().setHostname("h".repeat(60_000)).build()));
    assertEquals(
        "hostname: Control characters are not allowed.",
        Reports.hostInfoProblem(HostInfo.newBuilder().setHostname("a\nb").build()));
    assertEquals(
        "os_version: Control characters are not allowed.",
        Reports.hostInfoProblem(HostInfo.newBuilder().setOsVersion("\u001b[2J").build()));
    assertEquals(
        "device_model: Bidirectional formatting characters (such as U+202E) are not allowed.",
        Reports.hostInfoProblem(HostInfo.newBuilder().setDeviceModel("a\u202eb").build()));
  }
}
