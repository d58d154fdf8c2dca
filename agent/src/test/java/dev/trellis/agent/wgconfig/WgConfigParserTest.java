package dev.trellis.agent.wgconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.device.PeerConfig;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.PresharedKey;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class WgConfigParserTest {
  private static final NodePrivateKey ME = NodePrivateKey.generate();
  private static final NodePrivateKey PEER1 = NodePrivateKey.generate();
  private static final NodePrivateKey PEER2 = NodePrivateKey.generate();
  private static final PresharedKey PSK = PresharedKey.generate();

  private final WgConfigParser parser =
      new WgConfigParser(
          host -> {
            if (host.equals("peer.example")) {
              return InetAddress.getByName("192.0.2.7");
            }
            if (host.matches("[0-9a-fA-F:.]+")) {
              return InetAddress.getByName(host);
            }
            throw new UnknownHostException(host);
          });

  private static final String FULL =
      """
      # a comment
      [Interface]
      PrivateKey = %s
      listenport = 51820   # trailing comment
      Address = 10.0.0.1/24, fd00::1/64
      MTU = 1380
      DNS = 1.1.1.1

      [Peer]
      PublicKey = %s
      PresharedKey = %s
      AllowedIPs = 10.0.0.2/32, fd00::2/128
      AllowedIPs = 192.168.5.0/24
      Endpoint = peer.example:51821
      PersistentKeepalive = 25

      [PEER]
      PUBLICKEY = %s
      Endpoint = [fd00:1::9]:4000
      PersistentKeepalive = off
      """
          .formatted(
              ME.toSecretBase64(),
              PEER1.publicKey().toBase64(),
              PSK.toSecretBase64(),
              PEER2.publicKey().toBase64());

  @Test
  void parsesInterfaceAndPeersAsWgDoes() throws Exception {
    WgConfig c = parser.parse(FULL);
    assertTrue(c.device().privateKey().sameAs(ME));
    assertEquals(51820, c.device().listenPort());
    assertEquals(1380, c.mtu());
    assertEquals("[10.0.0.1/24, fd00:0:0:0:0:0:0:1/64]", c.addresses().toString());
    assertEquals(1, c.warnings().size());
    assertTrue(c.warnings().get(0).contains("line 7") && c.warnings().get(0).contains("DNS"));
    List<PeerConfig> peers = c.device().peers();
    assertEquals(2, peers.size());
    PeerConfig p1 = peers.get(0);
    assertEquals(PEER1.publicKey(), p1.publicKey());
    assertTrue(p1.presharedKey().sameAs(PSK));
    assertEquals(
        List.of(
            IpPrefix.parse("10.0.0.2/32"),
            IpPrefix.parse("fd00::2/128"),
            IpPrefix.parse("192.168.5.0/24")),
        p1.allowedIps());
    assertEquals("192.0.2.7:51821", p1.endpoint().toString());
    assertEquals(Duration.ofSeconds(25), p1.persistentKeepalive());
    PeerConfig p2 = peers.get(1);
    assertNull(p2.presharedKey());
    assertEquals("[fd00:1:0:0:0:0:0:9]:4000", p2.endpoint().toString());
    assertEquals(Duration.ZERO, p2.persistentKeepalive());
  }

  @Test
  void errorsNameTheLineAndTheProblem() {
    String key = ME.toSecretBase64();
    assertError("[Interface]\nPrivateKey = " + key + "\nListenPort = 70000\n", 3, "out of range");
    assertError("[Interface]\nPrivateKey = " + key + "\nFoo = 1\n", 3, "unknown key 'Foo'");
    assertError("[Interface]\nPrivateKey = nope\n", 2, "PrivateKey is not a base64");
    assertError("PrivateKey = " + key + "\n", 1, "outside of any section");
    assertError(
        "[Interface]\nPrivateKey = " + key + "\n[Peer]\nAllowedIPs = 1.2.3.4/8\n",
        3,
        "no PublicKey");
    assertError(
        "[Interface]\nPrivateKey = "
            + key
            + "\n[Peer]\nPublicKey = "
            + PEER1.publicKey().toBase64()
            + "\nEndpoint = nowhere.invalid:1\n",
        5,
        "does not resolve");
    assertError(
        "[Interface]\nPrivateKey = "
            + key
            + "\n[Peer]\nPublicKey = "
            + PEER1.publicKey().toBase64()
            + "\nEndpoint = 1.2.3.4\n",
        5,
        "host:port");
    assertError(
        "[Interface]\nPrivateKey = "
            + key
            + "\n[Peer]\nPublicKey = "
            + PEER1.publicKey().toBase64()
            + "\nAllowedIPs = 10.0.0.0/33\n",
        5,
        "AllowedIPs");
    assertError(
        "[Interface]\nPrivateKey = "
            + key
            + "\n[Peer]\nPublicKey = "
            + PEER1.publicKey().toBase64()
            + "\nPersistentKeepalive = soon\n",
        5,
        "number");
    assertError("[Interface]\nPrivateKey = " + key + "\n[Wat]\n", 3, "unknown section");
    assertError("[Interface]\nListenPort = 1\n", 0, "no PrivateKey");
    assertError("[Interface]\nPrivateKey " + key + "\n", 2, "expected 'Key = Value'");
  }

  @Test
  void errorsNeverQuoteTheKey() {
    String key = ME.toSecretBase64();
    ConfigError e =
        assertThrows(ConfigError.class, () -> parser.parse("[Interface]\nPrivateKey " + key));
    assertFalse(e.getMessage().contains(key.substring(0, 10)));
  }

  private void assertError(String text, int line, String fragment) {
    ConfigError e = assertThrows(ConfigError.class, () -> parser.parse(text));
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Property(tries = 2000)
  void mutatedFilesYieldAConfigOrAConfigErrorNeverAnotherException(
      @ForAll("mutatedConfigs") String text) {
    try {
      parser.parse(text);
    } catch (ConfigError e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    }
  }

  @Provide
  Arbitrary<String> mutatedConfigs() {
    Arbitrary<String> random = Arbitraries.strings().ofMaxLength(400);
    Arbitrary<String> mutated =
        Arbitraries.integers()
            .between(0, FULL.length() - 1)
            .list()
            .ofMinSize(1)
            .ofMaxSize(8)
            .flatMap(
                positions ->
                    Arbitraries.chars()
                        .list()
                        .ofSize(positions.size())
                        .map(
                            chars -> {
                              StringBuilder b = new StringBuilder(FULL);
                              for (int i = 0; i < positions.size(); i++) {
                                b.setCharAt(positions.get(i), chars.get(i));
                              }
                              return b.toString();
                            }));
    Arbitrary<String> truncated =
        Arbitraries.integers().between(0, FULL.length()).map(n -> FULL.substring(0, n));
    return Arbitraries.oneOf(random, mutated, truncated);
  }
}
