package dev.trellis.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PacketFilter;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ChangeLogTest {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicReference<Instant> now = new AtomicReference<>(T0);
  private final AtomicReference<Netmap> folded = new AtomicReference<>(Netmap.EMPTY);
  private final ChangeLog log = new ChangeLog(out, now::get, folded::get);

  private String take() {
    String s = bytes.toString(StandardCharsets.UTF_8);
    bytes.reset();
    return s;
  }

  private static Node peer(String id, String name, int host, NodePublicKey key) {
    return Node.newBuilder()
        .setId(id)
        .setName(name)
        .addAddresses("100.64.0." + host + "/32")
        .setNodeKey(ByteString.copyFrom(key.toBytes()))
        .build();
  }

  private static Netmap map(Instant selfExpiry, PacketFilter filter, Node... peers) {
    Node.Builder self = Node.newBuilder().setId("self").setName("me.tail.example.");
    if (selfExpiry != null) {
      self.setKeyExpiry(Timestamp.newBuilder().setSeconds(selfExpiry.getEpochSecond()));
    }
    Map<String, Node> byId = new LinkedHashMap<>();
    for (Node p : peers) {
      byId.put(p.getId(), p);
    }
    return new Netmap(self.build(), byId, 1, "", null, filter, null);
  }

  private static PacketFilter rules(int n) {
    PacketFilter.Builder f = PacketFilter.newBuilder();
    for (int i = 0; i < n; i++) {
      f.addRules(
          FilterRule.newBuilder()
              .addSrcPrefixes("100.64.0." + i + "/32")
              .addDestinations(DestinationPorts.newBuilder().setPrefix("*")));
    }
    return f.build();
  }

  @Test
  void logsPeersAddedAndRemovedAndPolicyUpdatesOneLineEach() {
    NodePublicKey kb = NodePrivateKey.generate().publicKey();
    NodePublicKey kc = NodePrivateKey.generate().publicKey();
    Node b = peer("b", "db.tail.example.", 2, kb);
    Node c = peer("c", "web.tail.example.", 3, kc);
    log.applied(map(null, rules(1), b));
    assertEquals("trellisd: peer added: \"db.tail.example\" 100.64.0.2\n", take());
    log.applied(map(null, rules(1), b, c));
    assertEquals("trellisd: peer added: \"web.tail.example\" 100.64.0.3\n", take());
    log.applied(map(null, rules(4), c));
    assertEquals(
        "trellisd: peer removed: \"db.tail.example\" 100.64.0.2\n"
            + "trellisd: policy updated: packet filter of 4 rules\n",
        take());
    log.applied(map(null, rules(4), c)); // same content: nothing
    assertEquals("", take());
    log.applied(Netmap.EMPTY);
    assertEquals("trellisd: tunnel stopped: no peers\n", take());
  }

  @Test
  void logsPathChangesWithTheEndpointAndThePeersName() throws Exception {
    NodePublicKey kb = NodePrivateKey.generate().publicKey();
    // the path can change before the snapshot that added the peer reaches the log
    folded.set(map(null, rules(1), peer("b", "db.tail.example.", 2, kb)));
    Endpoint ep = new Endpoint(InetAddress.getByName("192.0.2.7"), 41641);
    log.changed(kb, ep, "direct " + ep, "relay", "pong in 3 ms");
    log.changed(kb, null, "relay", "direct " + ep, "direct path silent");
    assertEquals(
        "trellisd: path \"db.tail.example\": direct 192.0.2.7:41641 (was relay; pong in 3 ms)\n"
            + "trellisd: path \"db.tail.example\": relay (was direct 192.0.2.7:41641;"
            + " direct path silent)\n",
        take());
  }

  @Test
  void aHostileHostnameCannotForgeALineOrDriveTheTerminal() {
    NodePublicKey kb = NodePrivateKey.generate().publicKey();
    log.applied(
        map(null, rules(1), peer("b", "evil\ntrellisd: peer removed: x\u001b[2J\".", 2, kb)));
    String line = take();
    assertEquals(
        "trellisd: peer added: \"evil\\ntrellisd: peer removed: x\\x1b[2J\\\"\" 100.64.0.2\n",
        line);
  }

  @Test
  void warnsOncePerStepAsThisDevicesKeyNearsExpiry() {
    Instant expiry = T0.plus(Duration.ofDays(20));
    log.applied(map(expiry, rules(1)));
    assertEquals("", take(), "20 days left: no warning yet");
    now.set(expiry.minus(Duration.ofDays(13)));
    log.tick();
    assertEquals(
        "trellisd: warning: this device's key expires in 13 days (2026-12-21T00:00:00Z);"
            + " run 'trellis up --force-reauth' to renew it\n",
        take());
    log.tick();
    now.set(expiry.minus(Duration.ofDays(5)));
    log.tick();
    assertEquals("", take(), "one line per step, not per tick");
    now.set(expiry.minus(Duration.ofHours(20)));
    log.tick();
    assertTrue(take().contains("expires in 20 hours"));
    now.set(expiry.minus(Duration.ofMinutes(30)));
    log.tick();
    assertTrue(take().contains("expires in 30 minutes"));
    now.set(expiry.plusSeconds(1));
    log.tick();
    assertEquals(
        "trellisd: warning: this device's key expired at 2026-12-21T00:00:00Z;"
            + " run 'trellis up --force-reauth' to sign in again\n",
        take());
    log.tick();
    assertEquals("", take());
    // a renewed key starts over
    log.applied(map(expiry.plus(Duration.ofDays(180)), rules(1)));
    log.tick();
    assertEquals("", take());
  }

  @Property(tries = 2000)
  void escapedTextIsOneLineWithoutControlCharacters(@ForAll String s) {
    String e = LogText.escape(s);
    assertFalse(
        e.chars().anyMatch(ch -> Character.isISOControl(ch) || ch == 0x2028 || ch == 0x2029));
    for (int i = 0; i < e.length(); i++) {
      if (e.charAt(i) == '"') {
        assertTrue(i > 0 && e.charAt(i - 1) == '\\', "an unescaped quote in " + e);
      }
    }
    assertTrue(e.length() <= LogText.MAX * 6 + 3);
  }

  @Test
  void plainNamesStayAsTheyAre() {
    for (String s : List.of("db.tail.example", "laptop-2", "été.example")) {
      assertEquals(s, LogText.escape(s));
    }
  }
}
