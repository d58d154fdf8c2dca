package dev.trellis.architecture.probe;

/** A class that uses a class of the test sources, for the fixture rule to catch. */
public final class ProbeOnATestSource {
  private ProbeOnATestSource() {}

  /** Uses a test class. */
  public static String name() {
    return ProbeTwin.class.getName();
  }
}
