package dev.trellis.architecture.probe;

import dev.trellis.testkit.port.FreePorts;

/** A class that uses the test kit, for the fixture rule to catch (a test of the rule). */
public final class ProbeOnTheTestKit {
  private ProbeOnTheTestKit() {}

  /** Uses the test kit. */
  public static int port() {
    return FreePorts.tcp();
  }
}
