package dev.trellis.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.RootTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code trellisd --operator}: two real daemons (one per network namespace, each with its TUN), one
 * started with {@code --operator USER}, one with {@code --operator group:NAME}, and the real {@code
 * trellis} CLI run as real non-root users the test creates ({@code useradd}, removed afterwards).
 * The operator, a group member (by supplementary group) and root get an answer; any other user is
 * refused with a message naming them, and the socket file alone does not keep them out.
 */
@RootTest
class OperatorNetnsTest {
  private record Result(int status, String out) {}

  @Test
  void theOperatorAndRootMayUseTheCliAndOthersAreRefused() throws Exception {
    NetnsLab.requireTools("ip", "useradd", "userdel", "groupadd", "groupdel", "setpriv");
    try (NetnsLab lab = new NetnsLab();
        Accounts accounts = new Accounts(lab.tag)) {
      String operator = accounts.user("trop", null);
      String stranger = accounts.user("trno", null);
      String group = accounts.group("trgr");
      String member = accounts.user("trgm", group);
      Path classes = readableClassPath(lab.dir);
      Path runDir = Files.createTempDirectory("trellis-op");
      Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      try {
        Path sockA = daemon(lab, lab.nsA, "a", runDir, operator);
        Path sockB = daemon(lab, lab.nsB, "b", runDir, "group:" + group);
        assertEquals(
            "rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(sockA)));
        assertEquals(
            "rwx--x--x",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(sockA.getParent())));

        Result asOperator = cliAs(lab.nsA, operator, classes, sockA, "status", "--json");
        assertEquals(0, asOperator.status(), asOperator.out());
        assertTrue(asOperator.out().contains("\"state\":\"NeedsLogin\""), asOperator.out());

        Result asStranger = cliAs(lab.nsA, stranger, classes, sockA, "status");
        assertEquals(1, asStranger.status(), asStranger.out());
        assertTrue(
            asStranger
                .out()
                .contains(
                    "access denied: user '"
                        + stranger
                        + "' may not use this agent (allowed: root and the operator "
                        + operator
                        + "); run as root, or start trellisd with --operator "
                        + stranger),
            asStranger.out());
        Result wgAsStranger =
            cliAs(lab.nsA, stranger, classes, sockA, "wg", "show", "--socket", sockA.toString());
        assertEquals(1, wgAsStranger.status(), wgAsStranger.out());
        assertTrue(wgAsStranger.out().contains("access denied"), wgAsStranger.out());

        Result asRoot = cliAs(lab.nsA, "root", classes, sockA, "status", "--json");
        assertEquals(0, asRoot.status(), asRoot.out());

        Result asMember = cliAs(lab.nsB, member, classes, sockB, "status", "--json");
        assertEquals(0, asMember.status(), asMember.out());
        assertTrue(asMember.out().contains("\"state\":\"NeedsLogin\""), asMember.out());
        Result operatorOfA = cliAs(lab.nsB, operator, classes, sockB, "status");
        assertEquals(1, operatorOfA.status(), operatorOfA.out());
        assertTrue(
            operatorOfA.out().contains("(allowed: root and members of group " + group + ")"),
            operatorOfA.out());
      } finally {
        Command.check("rm", "-rf", runDir.toString());
      }
    }
  }

  /** Starts trellisd in {@code ns} with its socket under {@code runDir}; returns the socket. */
  private static Path daemon(NetnsLab lab, String ns, String name, Path runDir, String operator)
      throws IOException {
    Path sock = runDir.resolve(name).resolve("trellisd.sock");
    List<String> cmd = NetnsLab.java(ns);
    cmd.addAll(
        List.of(
            "dev.trellis.agent.cli.AgentMain",
            "trellisd",
            "--state-dir",
            lab.dir.resolve(name + "-state").toString(),
            "--socket",
            sock.toString(),
            "--tun",
            "to" + name + lab.tag,
            "--port",
            "41641",
            "--operator",
            operator));
    Process p = lab.start(cmd, lab.dir.resolve(name + ".log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(sock)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("trellisd did not come up: " + lab.log(name));
      }
      NetnsLab.sleep(50);
    }
    return sock;
  }

  /** Runs the CLI in {@code ns} as {@code user}, the socket given by TRELLIS_SOCKET. */
  private static Result cliAs(String ns, String user, Path classes, Path sock, String... args)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                ns,
                "setpriv",
                "--reuid=" + user,
                "--regid=" + user,
                "--init-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-cp",
                classes.toString() + "/*:" + classes.resolve("dirs"),
                "dev.trellis.agent.cli.AgentMain",
                "trellis"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TRELLIS_SOCKET", sock.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  /**
   * A copy of the test's class path that other users can read (the build's own Maven repository may
   * not be): the jars side by side, the class directories merged under {@code dirs}.
   */
  private static Path readableClassPath(Path under) throws IOException {
    Path root = under.resolve("cp");
    Path dirs = root.resolve("dirs");
    Files.createDirectories(dirs);
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(":")) {
      Path p = Path.of(entry);
      if (Files.isRegularFile(p) && entry.endsWith(".jar")) {
        Files.copy(p, root.resolve((n++) + "-" + p.getFileName()));
      } else if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.walk(p)) {
          files.forEach(
              f -> {
                Path to = dirs.resolve(p.relativize(f).toString());
                try {
                  if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                  } else {
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
        }
      }
    }
    // the lab's directory is 0700: open the path down to the copy, and the copy itself
    Command.check("chmod", "o+x", under.toString());
    Command.check("chmod", "-R", "a+rX", root.toString());
    return root;
  }

  /** Users and a group created for one test with random names, removed by name on close. */
  private static final class Accounts implements AutoCloseable {
    private final String tag;
    private final List<String> users = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();

    Accounts(String tag) {
      this.tag = tag;
    }

    String user(String prefix, String group) throws IOException {
      String name = prefix + tag;
      List<String> cmd = new ArrayList<>(List.of("useradd", "-M", "-U", "-s", "/bin/false"));
      if (group != null) {
        cmd.addAll(List.of("-G", group));
      }
      cmd.add(name);
      Command.check(cmd.toArray(String[]::new));
      users.add(name);
      return name;
    }

    String group(String prefix) throws IOException {
      String name = prefix + tag;
      Command.check("groupadd", name);
      groups.add(name);
      return name;
    }

    @Override
    public void close() {
      for (String u : users) {
        try {
          Command.check("userdel", u);
        } catch (IOException e) {
          // already gone
        }
      }
      for (String g : groups) {
        try {
          Command.check("groupdel", g);
        } catch (IOException e) {
          // already gone
        }
      }
    }
  }
}
