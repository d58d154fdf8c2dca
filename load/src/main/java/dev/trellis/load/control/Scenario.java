package dev.trellis.load.control;

import java.util.List;

/**
 * One load scenario: what happens to a population of joined, streaming devices, with its figures
 * added to the harness's table and its failures to the harness.
 *
 * <p>Thread-safety: run on one thread.
 */
interface Scenario {
  /** Runs against {@code live} (joined, streaming, netmaps complete). */
  void run(Harness h, List<SimDevice> live) throws Exception;

  /** The scenario of this name. */
  static Scenario named(String name) {
    return switch (name) {
      case "join" -> (h, live) -> {};
      case "churn" -> new ChurnScenario();
      case "policy" -> new PolicyScenario();
      case "ephemeral" -> new EphemeralScenario();
      case "reconnect" -> new ReconnectScenario();
      default -> throw new IllegalArgumentException("unknown scenario " + name);
    };
  }
}
