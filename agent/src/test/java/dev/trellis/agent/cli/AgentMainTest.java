package dev.trellis.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMainTest {
  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    return run(Map.of(), args);
  }

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        AgentMain.run(
            List.of(args),
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void flagErrorsAreClearAndExitWith2() {
    Run r = run("trellisd", "wg", "--tun", "x0");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--config FILE is required"), r.err());
    r = run("trellisd", "wg", "--config", "a", "--bogus");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("unknown flag --bogus"), r.err());
    r = run("trellisd", "wg", "--config");
    assertTrue(r.err().contains("--config needs a value"), r.err());
    r = run("trellis", "reboot");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("unknown trellis command 'reboot'"), r.err());
    r = run("trellis", "up", "--advertise-tags", "tag:ok,web");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("'web' is not tag:name"), r.err());
    r = run("trellis", "ip", "-4", "-6");
    assertEquals(2, r.status());
    r = run("nope", "wg");
    assertTrue(r.err().contains("unknown program 'nope'"), r.err());
  }

  @Test
  void helpPrintsTheTrellisUsageAloneOnStdoutAndExits0() {
    for (String h : List.of("--help", "-h", "help")) {
      Run r = run("trellis", h);
      assertEquals(0, r.status(), h + ": " + r.err());
      assertTrue(r.out().startsWith("usage: trellis [--socket PATH] COMMAND"), r.out());
      assertTrue(r.out().contains("ping [-c N] PEER"), r.out());
      assertFalse(r.out().contains("usage: trellisd"), r.out());
      assertFalse(r.out().contains("--state-dir"), r.out());
      assertEquals("", r.err());
    }
    Run sub = run("trellis", "status", "--help");
    assertEquals(0, sub.status());
    assertTrue(sub.out().startsWith("usage: trellis "), sub.out());
  }

  @Test
  void trellisdHasItsOwnUsage() {
    for (String h : List.of("--help", "-h", "help")) {
      Run r = run("trellisd", h);
      assertEquals(0, r.status(), h + ": " + r.err());
      assertTrue(r.out().startsWith("usage: trellisd [--state-dir DIR]"), r.out());
      assertTrue(r.out().contains("--operator USER"), r.out());
      assertFalse(r.out().contains("usage: trellis ["), r.out());
    }
    Run bad = run("trellisd", "--bogus");
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("usage: trellisd"), bad.err());
    assertFalse(bad.err().contains("usage: trellis ["), bad.err());
  }

  @Test
  void versionPrintsTheBuildVersionAndExits0() {
    Run r = run("trellis", "version");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().matches("trellis \\d+\\.\\d+\\.\\d+\\S*\n"), r.out());
    r = run("trellisd", "version");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("trellisd "), r.out());
    assertEquals(2, run("trellis", "version", "extra").status());
  }

  @Test
  void missingCommandIsAUsageError() {
    Run r = run("trellis");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("trellis: missing command"), r.err());
    assertTrue(r.err().contains("usage: trellis ["), r.err());
  }

  @Test
  void trellisSocketSetsTheSocketAndTheFlagOverridesIt() {
    Path fromEnv = dir.resolve("env.sock");
    Run r = run(Map.of("TRELLIS_SOCKET", fromEnv.toString()), "trellis", "status");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("no agent control socket at " + fromEnv), r.err());
    Path fromFlag = dir.resolve("flag.sock");
    r =
        run(
            Map.of("TRELLIS_SOCKET", fromEnv.toString()),
            "trellis",
            "--socket",
            fromFlag.toString(),
            "ping",
            "-c",
            "3",
            "peer");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("no agent control socket at " + fromFlag), r.err());
  }

  @Test
  void anOperatorTheSystemDoesNotKnowIsAUsageError() {
    Run r = run("trellisd", "--operator", "no-such-user-" + ProcessHandle.current().pid());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--operator: no user 'no-such-user-"), r.err());
    r = run("trellisd", "--operator", "group:no-such-group-" + ProcessHandle.current().pid());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--operator: no group 'no-such-group-"), r.err());
  }

  @Test
  void aBadConfigFileNamesTheFileAndLine() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "[Interface]\nPrivateKey = x\n");
    Run r = run("trellisd", "wg", "--config", conf.toString(), "--tun", "tbad0");
    assertEquals(1, r.status());
    assertTrue(r.err().contains(conf + ": line 2: PrivateKey"), r.err());
    r = run("trellisd", "wg", "--config", dir.resolve("missing.conf").toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("cannot read config"), r.err());
  }

  @Test
  void showWithoutARunningAgentSaysSo() {
    Run r = run("trellis", "wg", "show", "--socket", dir.resolve("none.sock").toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("is trellisd running"), r.err());
  }

  @RootTest
  @IntegrationTest
  @Test
  void withoutCapNetAdminTheErrorSaysWhatIsNeeded() throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    assumeTrue(
        "root".equals(System.getProperty("user.name")) && Files.isExecutable(setpriv),
        "needs root and setpriv to drop CAP_NET_ADMIN");
    Path conf = dir.resolve("ok.conf");
    Files.writeString(
        conf, "[Interface]\nPrivateKey = " + NodePrivateKey.generate().toSecretBase64() + "\n");
    Process p =
        new ProcessBuilder(
                setpriv.toString(),
                "--bounding-set=-net_admin",
                "--inh-caps=-net_admin",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.trellis.agent.cli.AgentMain",
                "trellisd",
                "wg",
                "--config",
                conf.toString(),
                "--tun",
                "tnocap" + ProcessHandle.current().pid() % 10000,
                "--socket",
                dir.resolve("s.sock").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("root or grant CAP_NET_ADMIN"), out);
  }
}
