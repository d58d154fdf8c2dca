package dev.trellis.architecture.probe;

/** Stands for a test twin: a class of the test sources that production code must not use. */
public final class ProbeTwin {
  private ProbeTwin() {}
}
