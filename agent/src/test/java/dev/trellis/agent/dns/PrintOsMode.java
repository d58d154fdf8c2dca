package dev.trellis.agent.dns;

import java.nio.file.Path;

/** Prints how this process would configure the OS's resolver (run inside a namespace by tests). */
public final class PrintOsMode {
  private PrintOsMode() {}

  public static void main(String[] args) {
    System.out.println(OsConfigurators.detect(true, "tl0", Path.of(args[0])).mode());
  }
}
