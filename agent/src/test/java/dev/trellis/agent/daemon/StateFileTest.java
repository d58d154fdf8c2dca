package dev.trellis.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.routes.RoutePrefs;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.key.MachinePrivateKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file round-trips, is written 0600, and a corrupt one is refused, never replaced. */
class StateFileTest {
  private static final AgentState FULL =
      AgentState.fresh()
          .withServer("http://ctl.example:8080", MachinePrivateKey.generate().publicKey())
          .withRegistration(
              "node-7",
              RegisterResponse.newBuilder()
                  .setNodeId("node-7")
                  .addAddresses("100.64.0.7/32")
                  .setMachineAuthorized(true)
                  .build())
          .withWantRunning(true);
  private static final String VALID = StateFile.encode(FULL);

  @TempDir Path dir;

  @Test
  void routePreferencesRoundTripAndDefaultToNothingOfferedWithSnatOn() throws Exception {
    Path f = dir.resolve("state.conf");
    StateFile.write(f, FULL);
    assertEquals(RoutePrefs.DEFAULT, StateFile.read(f).routes());
    RoutePrefs prefs =
        RoutePrefs.DEFAULT
            .withAdvertiseRoutes(List.of("192.168.1.0/24", "10.0.0.0/8"))
            .withAdvertiseExitNode(true)
            .withAcceptRoutes(true)
            .withExitNode("exit1")
            .withExitNodeAllowLanAccess(true)
            .withSnatSubnetRoutes(false);
    StateFile.write(f, FULL.withRoutes(prefs));
    String text = Files.readString(f);
    assertTrue(text.contains("advertise_routes=10.0.0.0/8,192.168.1.0/24\n"), text);
    assertTrue(text.contains("snat_subnet_routes=false\n"), text);
    assertEquals(prefs, StateFile.read(f).routes());
  }

  @Test
  void aBadAdvertisedRouteInTheFileIsRefusedNamingTheKey() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> StateFile.decode(VALID + "advertise_routes=10.0.0.1/8\n"));
    assertTrue(e.getMessage().contains("bad advertise_routes"), e.getMessage());
  }

  @Test
  void roundTripsThroughTheFileAtMode0600() throws Exception {
    Path f = dir.resolve("state.conf");
    StateFile.write(f, FULL);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    AgentState back = StateFile.read(f);
    assertTrue(back.machineKey().sameAs(FULL.machineKey()));
    assertTrue(back.nodeKey().sameAs(FULL.nodeKey()));
    assertEquals(FULL.controlKey(), back.controlKey());
    assertEquals("http://ctl.example:8080", back.loginServer());
    assertEquals("node-7", back.nodeId());
    assertEquals(FULL.lastRegister(), back.lastRegister());
    assertTrue(back.wantRunning());
    assertTrue(back.acceptDns(), "the tailnet's DNS is accepted unless turned off");
    assertFalse(Files.exists(dir.resolve("state.conf.tmp")));
    StateFile.write(f, FULL.withAcceptDns(false));
    assertTrue(Files.readString(f).contains("accept_dns=false\n"));
    assertFalse(StateFile.read(f).acceptDns());
  }

  @Test
  void aMissingFileIsNoState() throws Exception {
    assertNull(StateFile.read(dir.resolve("absent.conf")));
  }

  @Test
  void aCorruptFileIsRefusedNamingTheFileAndLeftAlone() throws Exception {
    Path f = dir.resolve("state.conf");
    String broken = VALID.replace("node_key=privkey:", "node_key=privkey:zz");
    Files.writeString(f, broken);
    var e = assertThrows(StateFile.CorruptStateException.class, () -> StateFile.read(f));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("node_key"), e.getMessage());
    assertEquals(broken, Files.readString(f));
    Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
    assertThrows(StateFile.CorruptStateException.class, () -> StateFile.read(f));
    Files.writeString(f, "");
    assertThrows(StateFile.CorruptStateException.class, () -> StateFile.read(f));
  }

  @Test
  void errorsNeverQuoteTheKeys() {
    String secret = FULL.machineKey().toSecretText();
    String text = VALID.replace("version=1", "version=1\nmachine_key=" + secret);
    var e = assertThrows(IllegalArgumentException.class, () -> StateFile.decode(text));
    assertFalse(e.getMessage().contains(secret.substring(9)));
    assertFalse(FULL.toString().contains(secret.substring(9)));
  }

  @Property(tries = 1000)
  void randomTextIsAStateOrAClearError(@ForAll String text) {
    parseOrRefuse(text);
  }

  @Provide
  Arbitrary<String> mutated() {
    return Arbitraries.integers()
        .between(0, VALID.length() - 1)
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .map(
            positions -> {
              byte[] b = VALID.getBytes(StandardCharsets.UTF_8);
              for (int p : positions) {
                b[p] = (byte) (b[p] ^ (1 + p % 127));
              }
              return new String(b, StandardCharsets.UTF_8);
            });
  }

  @Property(tries = 1000)
  void mutatedStateIsAStateOrAClearError(@ForAll("mutated") String text) {
    parseOrRefuse(text);
  }

  private static void parseOrRefuse(String text) {
    try {
      AgentState s = StateFile.decode(text);
      // whatever parsed must encode and parse again to the same keys
      AgentState again = StateFile.decode(StateFile.encode(s));
      assertTrue(again.machineKey().sameAs(s.machineKey()));
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    }
  }
}
