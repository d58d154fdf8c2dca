package dev.trellis.coordinator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trellis.proto.control.v1.HostInfo;
import org.junit.jupiter.api.Test;

/** A device's host info reaches the log only when every field is bounded, safe text. */
class HostInfoCheckTest {
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
