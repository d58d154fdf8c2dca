package dev.trellis.admin.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * One run of trellis-admin through {@link AdminMain#run} with captured output.
 *
 * @param code the exit code
 * @param out what was printed on stdout
 * @param err what was printed on stderr
 */
record Run(int code, String out, String err) {
  static Run of(Map<String, String> env, String... args) {
    return of(env, Clock.systemUTC(), args);
  }

  static Run of(Map<String, String> env, Clock clock, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = AdminMain.run(args, env, o, e, clock, CommandRegistry.standard());
    }
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
