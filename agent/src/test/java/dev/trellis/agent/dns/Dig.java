package dev.trellis.agent.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code dig} client against a resolver and returns its output. */
final class Dig {
  private Dig() {}

  /** {@code dig @127.0.0.1 -p PORT ARGS...}: the full output. */
  static String run(int port, String... args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+tries=1"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("dig timed out: " + cmd);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** The answer lines' data ({@code +short}). */
  static List<String> shortAnswer(int port, String... args)
      throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("+short");
    return run(port, all.toArray(String[]::new)).lines().filter(l -> !l.isBlank()).toList();
  }

  /** The status word of the answer ({@code NOERROR}, {@code NXDOMAIN}, ...). */
  static String status(String output) {
    int i = output.indexOf("status: ");
    if (i < 0) {
      return "(no answer) " + output;
    }
    int end = output.indexOf(',', i);
    return output.substring(i + 8, end);
  }
}
