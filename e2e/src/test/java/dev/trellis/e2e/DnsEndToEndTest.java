package dev.trellis.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MagicDNS and split DNS end to end, with the shipped server, agents, trellis and trellis-admin in
 * network namespaces, real programs as clients (getent, ping and curl through glibc, dig) and
 * dnsmasq as the other resolvers. Three devices join; each namespace has its own resolv.conf
 * ({@code /etc/netns/NS/resolv.conf}, bind-mounted by {@code ip netns exec}) naming the LAN's
 * resolver. Checked: peers resolve by short and full name for getent, ping and curl; an admin's
 * split DNS sends {@code *.corp.test} to a dnsmasq that listens only on charlie's tailnet address
 * and every other name to the LAN resolver; a deleted peer stops resolving within a second (from
 * the admin's delete call to the first failing glibc lookup in the namespace); a LAN neighbour that
 * routes 100.100.100.100 to a device gets nothing; a daemon killed with SIGKILL does not lose the
 * original file; {@code --accept-dns=false} leaves the file alone while the resolver still answers;
 * and {@code down} restores the original byte for byte.
 */
@RootTest
@IntegrationTest
class DnsEndToEndTest {
  static final String SUFFIX = "default.trellis.internal";

  @BeforeAll
  static void root() {
    Lab.requireRoot();
    assumeTrue(onPath("dnsmasq") && onPath("dig"), "needs dnsmasq-base and bind9-dnsutils");
  }

  static boolean onPath(String tool) {
    for (String d : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void namesSplitDnsRemovalAndRestore() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server = ServerUnderTest.start(lab, "server", "e2e-" + lab.tag, List.of());
      String key = server.authKey("default", Map.of("reusable", true, "preapproved", true));

      // The LAN's resolver, the devices' original one: dnsmasq on its own namespace of the bridge.
      String lanNs = lab.device();
      String lanIp = lab.ipOf(lanNs);
      Path lanLog = lab.dir.resolve("lan-dnsmasq.log");
      dnsmasq(lab, lanNs, lanIp, lanLog, "--address=/example.test/192.0.2.10");
      String original =
          "# the LAN's resolver\nnameserver " + lanIp + "\nsearch lab.test\noptions timeout:2\n";
      byte[] originalBytes = original.getBytes(StandardCharsets.UTF_8);

      List<AgentUnderTest> all = new ArrayList<>();
      List<Path> files = new ArrayList<>();
      for (String name : List.of("alpha", "bravo", "charlie")) {
        String ns = lab.device();
        files.add(lab.resolvConf(ns, original));
        all.add(AgentUnderTest.start(lab, ns, name));
      }
      AgentUnderTest a = all.get(0);
      AgentUnderTest b = all.get(1);
      AgentUnderTest c = all.get(2);
      Path aFile = files.get(0);
      for (AgentUnderTest x : all) {
        x.up(server.loginServer, key).requireOk(x.name + " up");
      }
      for (AgentUnderTest x : all) {
        x.await("two peers", s -> "Running".equals(s.state()) && s.peers().size() == 2, 15_000);
      }
      String bIp = b.ipv4();
      String cIp = c.ipv4();

      // MagicDNS is on by default: the namespace's resolv.conf names the resolver.
      awaitTrue(
          "alpha's resolv.conf managed", () -> Files.readString(aFile).contains("100.100.100.100"));
      String managed = Files.readString(aFile);
      assertTrue(managed.contains("search " + SUFFIX + "\n"), managed);

      // getent (glibc), ping and curl by short and by full name.
      assertEquals(bIp, first(lab.run(a.ns, List.of("getent", "ahostsv4", "bravo"), 20)));
      assertEquals(bIp, first(lab.run(a.ns, List.of("getent", "ahostsv4", "bravo." + SUFFIX), 20)));
      String hosts =
          lab.run(a.ns, List.of("getent", "hosts", "bravo"), 20).requireOk("getent").out();
      assertTrue(hosts.contains("bravo"), hosts);
      for (String name : List.of("bravo", "bravo." + SUFFIX)) {
        assertTrue(waitOk(lab, a.ns, List.of("ping", "-c", "1", "-W", "2", name)), "ping " + name);
      }
      Path www = Files.createDirectories(lab.dir.resolve("www"));
      Files.writeString(www.resolve("hello.txt"), "hello from bravo\n");
      lab.start(
          List.of(
              "ip",
              "netns",
              "exec",
              b.ns,
              "python3",
              "-m",
              "http.server",
              "8089",
              "--bind",
              bIp,
              "--directory",
              www.toString()),
          lab.dir.resolve("http-bravo.log"));
      awaitTrue(
          "bravo's web server is up",
          60,
          () ->
              lab.run(
                          a.ns,
                          List.of(
                              "curl",
                              "-s",
                              "--max-time",
                              "5",
                              "-o",
                              "/dev/null",
                              "http://" + bIp + ":8089/"),
                          20)
                      .code()
                  == 0);
      for (String name : List.of("bravo", "bravo." + SUFFIX)) {
        List<String> curl =
            List.of("curl", "-sS", "--max-time", "10", "http://" + name + ":8089/hello.txt");
        Command.Result r = lab.run(a.ns, curl, 60);
        assertEquals("hello from bravo\n", r.requireOk("curl " + name).out());
      }
      // The IPv6 address answers too; PTR for a tailnet address; the CLI's names.
      assertEquals(
          bIp,
          first(
              lab.run(
                  a.ns, List.of("dig", "+short", "@fd7a:115c:a1e0::53", "bravo." + SUFFIX), 20)));
      assertEquals(
          "bravo." + SUFFIX + ".",
          first(lab.run(a.ns, List.of("dig", "+short", "-x", bIp, "@100.100.100.100"), 20)));
      assertEquals(bIp, first(a.trellis("ip", "-4", "bravo").requireOk("trellis ip bravo")));
      assertEquals(cIp, first(a.trellis("ip", "-4", "charlie." + SUFFIX).requireOk("ip")));
      String status = a.trellis("status").requireOk("status").out();
      assertTrue(status.matches("(?s).*\\n" + bIp.replace(".", "\\.") + " +bravo .*"), status);

      // Split DNS: corp.test goes to a resolver only charlie's tailnet address serves.
      Path corpLog = lab.dir.resolve("corp-dnsmasq.log");
      dnsmasq(lab, c.ns, cIp, corpLog, "--address=/corp.test/10.1.2.3");
      admin(server, "dns", "split", "set", "corp.test", cIp).requireOk("dns split set");
      admin(server, "dns", "records", "add", "grafana.internal", "A", cIp).requireOk("record");
      awaitTrue(
          "db.corp.test resolves",
          () -> lab.run(a.ns, List.of("getent", "ahostsv4", "db.corp.test"), 20).code() == 0);
      assertEquals(
          "10.1.2.3", first(lab.run(a.ns, List.of("getent", "ahostsv4", "db.corp.test"), 20)));
      assertEquals(
          "192.0.2.10",
          first(lab.run(a.ns, List.of("getent", "ahostsv4", "www.example.test"), 20)));
      assertEquals(
          cIp, first(lab.run(a.ns, List.of("getent", "ahostsv4", "grafana.internal"), 20)));
      assertTrue(queries(corpLog, "db.corp.test") > 0, "corp.test went to charlie's resolver");
      assertEquals(0, queries(corpLog, "www.example.test"), "other names did not");
      assertTrue(queries(lanLog, "www.example.test") > 0, "other names went to the LAN's");
      assertEquals(0, queries(lanLog, "db.corp.test"), "corp.test never reached the LAN's");
      String dnsStatus = a.trellis("dns", "status").requireOk("dns status").out();
      assertTrue(dnsStatus.contains("split dns: corp.test"), dnsStatus);
      assertTrue(dnsStatus.contains("os: resolv.conf"), dnsStatus);

      // A LAN neighbour routing 100.100.100.100 to alpha gets nothing: the input guard drops it.
      lab.run(lanNs, List.of("ip", "route", "add", "100.100.100.100/32", "via", lab.ipOf(a.ns)), 10)
          .requireOk("route");
      Command.Result probe =
          lab.run(
              lanNs,
              List.of("dig", "+time=1", "+tries=1", "@100.100.100.100", "bravo." + SUFFIX),
              20);
      assertNotEquals(
          0, probe.code(), "a LAN neighbour must not reach alpha's resolver: " + probe.out());
      String guard =
          lab.run(a.ns, List.of("nft", "list", "table", "inet", "trellis_dns_tl0"), 10).out();
      assertTrue(guard.matches("(?s).*packets [1-9].*"), "the guard counted the drop: " + guard);

      // A deleted peer stops resolving within a second: from the admin's delete call to the first
      // failed lookup of a JVM started beforehand in alpha's namespace, asking glibc every 10 ms.
      String cId = c.status().self().id();
      Path polled = lab.dir.resolve("charlie-lookups.out");
      Process poll =
          lab.start(
              List.of(
                  "ip",
                  "netns",
                  "exec",
                  a.ns,
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:TieredStopAtLevel=1",
                  "-Xmx64m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  LookupLoop.class.getName(),
                  "charlie"),
              polled);
      awaitTrue(
          "the lookup loop resolves charlie", () -> Files.readString(polled).contains("resolving"));
      long deleted = System.currentTimeMillis();
      server.call("DELETE", "/api/v1/nodes/" + cId, null, 200);
      assertTrue(poll.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "charlie still resolves");
      String gone = Files.readString(polled);
      assertTrue(gone.contains("gone "), gone);
      long goneMs = Long.parseLong(gone.substring(gone.indexOf("gone ") + 5).strip()) - deleted;
      System.out.println("FIGURE delete-to-unresolvable-ms " + goneMs);
      assertTrue(goneMs <= JoinEndToEndTest.PROPAGATION_BOUND_MS, "resolved for " + goneMs + " ms");
      assertNotEquals(
          0, lab.run(a.ns, List.of("getent", "ahostsv4", "charlie." + SUFFIX), 10).code());

      // SIGKILL: the file stays managed; the restarted daemon keeps the original for later.
      a.kill();
      assertTrue(Files.readString(aFile).contains("100.100.100.100"));
      a.launch();
      a.await("running again", s -> "Running".equals(s.state()), 30_000);
      awaitTrue("managed again", () -> Files.readString(aFile).contains("100.100.100.100"));
      assertEquals(bIp, first(lab.run(a.ns, List.of("getent", "ahostsv4", "bravo"), 20)));

      // --accept-dns=false: the file is the original; the resolver still answers if asked.
      a.trellis("up", "--accept-dns=false").requireOk("up --accept-dns=false");
      assertArrayEquals(originalBytes, Files.readAllBytes(aFile));
      awaitTrue(
          "the resolver answers with accept-dns off",
          () ->
              bIp.equals(
                  first(
                      lab.run(
                          a.ns,
                          List.of("dig", "+short", "@100.100.100.100", "bravo." + SUFFIX),
                          20))));
      a.trellis("up", "--accept-dns").requireOk("up --accept-dns");
      awaitTrue("managed again", () -> Files.readString(aFile).contains("100.100.100.100"));

      // down restores the original byte for byte.
      a.trellis("down").requireOk("down");
      assertArrayEquals(originalBytes, Files.readAllBytes(aFile));
      assertNotEquals(0, lab.run(a.ns, List.of("getent", "ahostsv4", "bravo"), 20).code());
      assertFalse(
          lab.run(a.ns, List.of("nft", "list", "tables"), 10).out().contains("trellis_dns"),
          "the guard is gone with the resolver");
    }
  }

  static void dnsmasq(Lab lab, String ns, String ip, Path log, String... records) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                ns,
                "dnsmasq",
                "--keep-in-foreground",
                "--conf-file=/dev/null",
                "--no-resolv",
                "--no-hosts",
                "--bind-interfaces",
                "--listen-address=" + ip,
                "--port=53",
                "--user=root",
                "--pid-file=",
                "--log-queries",
                "--log-facility=" + log));
    cmd.addAll(List.of(records));
    Process p = lab.start(cmd, lab.dir.resolve("dnsmasq-" + ns + ".out"));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!Files.exists(log) || !Files.readString(log).contains("started")) {
      assertTrue(p.isAlive() && System.nanoTime() < deadline, "dnsmasq did not start in " + ns);
      Thread.sleep(20);
    }
  }

  static long queries(Path log, String name) throws Exception {
    return Files.readAllLines(log).stream()
        .filter(l -> l.contains("query[") && l.contains(" " + name + " "))
        .count();
  }

  static Command.Result admin(ServerUnderTest server, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "env",
                "TRELLIS_SERVER=" + server.local(),
                "TRELLIS_TOKEN=" + server.token(),
                Lab.bin("trellis-admin")));
    cmd.addAll(List.of(args));
    return Lab.exec(cmd, 120);
  }

  /** The first word of the first line of a command's output. */
  static String first(Command.Result r) {
    String line = r.out().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
    return line.strip().split("\\s+")[0];
  }

  static boolean waitOk(Lab lab, String ns, List<String> cmd) throws Exception {
    for (int i = 0; i < 10; i++) {
      if (lab.run(ns, cmd, 20).code() == 0) {
        return true;
      }
    }
    return false;
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void awaitTrue(String what, Check check) throws Exception {
    awaitTrue(what, 15, check);
  }

  static void awaitTrue(String what, int seconds, Check check) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!check.holds()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(50);
    }
  }
}
