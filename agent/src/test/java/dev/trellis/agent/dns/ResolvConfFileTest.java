package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.testkit.tag.RootTest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The direct resolv.conf manager on real files (and, as root, a real bind mount). */
class ResolvConfFileTest {
  static final byte[] ORIGINAL =
      "# from DHCP\nnameserver 10.0.0.1\nnameserver fe80::1%eth0\nsearch lan\noptions edns0\n"
          .getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  static OsDnsConfig config(String... search) {
    return new OsDnsConfig(
        List.of(ResolverAddress.V4), List.of(search), List.of("acme.trellis.internal"), false);
  }

  @Test
  void applyBacksUpAndRestorePutsTheOriginalBackByteForByte() throws Exception {
    Path file = dir.resolve("resolv.conf");
    Files.write(file, ORIGINAL);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    Path state = Files.createDirectory(dir.resolve("state"));
    ResolvConfFile r = new ResolvConfFile(file, state);

    assertEquals(
        List.of("10.0.0.1:53", "[fe80::1]:53"),
        r.originalResolvers().stream().map(Upstream::toString).toList());
    r.apply(config("acme.trellis.internal"));
    String written = Files.readString(file);
    assertTrue(written.startsWith(ResolvConfText.MARKER), written);
    assertTrue(written.contains("nameserver 100.100.100.100\n"), written);
    assertTrue(written.contains("search acme.trellis.internal\n"), written);
    assertTrue(r.backedUp());
    assertEquals(2, r.originalResolvers().size(), "still the original's, from the backup");

    r.apply(config("acme.trellis.internal", "corp.example"));
    assertTrue(Files.readString(file).contains("search acme.trellis.internal corp.example\n"));

    r.restore();
    assertArrayEquals(ORIGINAL, Files.readAllBytes(file));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertFalse(r.backedUp());
    r.restore(); // nothing to do
    assertArrayEquals(ORIGINAL, Files.readAllBytes(file));
  }

  @Test
  void aBackupLeftByACrashIsRestoredByTheNextRun() throws Exception {
    Path file = dir.resolve("resolv.conf");
    Files.write(file, ORIGINAL);
    Path state = Files.createDirectory(dir.resolve("state"));
    new ResolvConfFile(file, state).apply(config("acme.trellis.internal"));
    // the daemon dies here; the next one starts with a fresh manager
    ResolvConfFile next = new ResolvConfFile(file, state);
    assertTrue(next.backedUp());
    next.restore();
    assertArrayEquals(ORIGINAL, Files.readAllBytes(file));
  }

  @Test
  void aFileSomeoneElseWroteMeanwhileIsKept() throws Exception {
    Path file = dir.resolve("resolv.conf");
    Files.write(file, ORIGINAL);
    ResolvConfFile r = new ResolvConfFile(file, Files.createDirectory(dir.resolve("state")));
    r.apply(config());
    Files.writeString(file, "nameserver 192.0.2.1\n"); // a DHCP client renewed its lease
    r.restore();
    assertEquals("nameserver 192.0.2.1\n", Files.readString(file));
    assertFalse(r.backedUp());
  }

  @Test
  void aSymlinkIsReplacedAndPutBackAsTheSameSymlink() throws Exception {
    Path target = dir.resolve("stub-resolv.conf");
    Files.write(target, ORIGINAL);
    Path file = dir.resolve("resolv.conf");
    Files.createSymbolicLink(file, target);
    ResolvConfFile r = new ResolvConfFile(file, Files.createDirectory(dir.resolve("state")));
    r.apply(config());
    assertFalse(Files.isSymbolicLink(file));
    assertArrayEquals(ORIGINAL, Files.readAllBytes(target), "the link's target is untouched");
    r.restore();
    assertTrue(Files.isSymbolicLink(file));
    assertEquals(target, Files.readSymbolicLink(file));
  }

  @Test
  void aMissingFileIsMissingAgainAfterRestore() throws Exception {
    Path file = dir.resolve("resolv.conf");
    ResolvConfFile r = new ResolvConfFile(file, Files.createDirectory(dir.resolve("state")));
    assertEquals(List.of(), r.originalResolvers());
    r.apply(config());
    assertTrue(Files.exists(file));
    r.restore();
    assertFalse(Files.exists(file));
  }

  @Test
  @RootTest
  void aBindMountedFileIsWrittenInPlaceAndRestoredByteForByte() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "bind mounts need root");
    Path source = dir.resolve("netns-resolv.conf"); // like /etc/netns/NS/resolv.conf
    Files.write(source, ORIGINAL);
    Path file = dir.resolve("resolv.conf"); // like /etc/resolv.conf under ip netns exec
    Files.writeString(file, "placeholder\n");
    run("mount", "--bind", source.toString(), file.toString());
    try {
      ResolvConfFile r = new ResolvConfFile(file, Files.createDirectory(dir.resolve("state")));
      r.apply(config("acme.trellis.internal"));
      assertTrue(Files.readString(source).startsWith(ResolvConfText.MARKER), "written in place");
      r.restore();
      assertArrayEquals(ORIGINAL, Files.readAllBytes(file));
      assertArrayEquals(ORIGINAL, Files.readAllBytes(source));
    } finally {
      run("umount", file.toString());
    }
  }

  @Test
  void writtenFilesListTheNameserversInOrder() {
    String text =
        ResolvConfText.render(
            new OsDnsConfig(
                List.of(ResolverAddress.V4, ResolverAddress.V6),
                List.of("a.example", "b.example"),
                List.of(),
                true));
    assertTrue(
        text.endsWith(
            "nameserver 100.100.100.100\nnameserver fd7a:115c:a1e0::53\n"
                + "search a.example b.example\n"),
        text);
    assertEquals(
        List.of(),
        ResolvConfText.nameservers(text),
        "the resolver's own addresses are never upstreams");
    assertEquals(
        List.of("127.0.0.53:53"),
        ResolvConfText.nameservers("nameserver 127.0.0.53\nnameserver bogus\n#nameserver 1.1.1.1")
            .stream()
            .map(Upstream::toString)
            .toList());
    assertTrue(InetAddress.getLoopbackAddress().isLoopbackAddress());
  }

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
  }
}
