package dev.trellis.relay.udprelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.relay.auth.Authorization;
import dev.trellis.relay.forward.ConnectedDevice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session table's decisions: mutual consent, tailnets, bounds, expiry, reconnects. */
class UdpSessionTableTest {
  private static final long S = 1_000_000_000L;
  private final UdpSessionTable table = new UdpSessionTable(2, 30 * S, 90 * S);
  private final List<UdpSession> stale = new ArrayList<>();

  private static ConnectedDevice device(String tailnet) {
    NodePublicKey k = NodePrivateKey.generate().publicKey();
    return new ConnectedDevice(
        k, Authorization.allowed("n-" + k.hashCode(), tailnet, null), null, r -> {});
  }

  private static UdpSession session(UdpSessionTable.Match m, long now) {
    return new UdpSession(
        7,
        -1,
        4000,
        new UdpSession.Side(m.a(), new byte[32]),
        new UdpSession.Side(m.b(), new byte[32]),
        now);
  }

  private UdpSessionTable.Outcome ask(ConnectedDevice from, ConnectedDevice to, long now) {
    return table.request(from, to.key(), to, now, stale);
  }

  @Test
  void aSessionNeedsBothToAsk() {
    var a = device("t");
    var b = device("t");
    assertInstanceOf(UdpSessionTable.Offered.class, ask(a, b, 0));
    assertInstanceOf(UdpSessionTable.Offered.class, ask(a, b, S), "asking again still waits");
    var m = assertInstanceOf(UdpSessionTable.Match.class, ask(b, a, 2 * S));
    assertSame(a, m.a());
    assertSame(b, m.b());
    UdpSession s = session(m, 2 * S);
    table.add(s);
    assertEquals(0, table.offers());
    var e = assertInstanceOf(UdpSessionTable.Existing.class, ask(a, b, 3 * S));
    assertEquals(0, e.side());
    assertEquals(1, ((UdpSessionTable.Existing) ask(b, a, 3 * S)).side());
  }

  @Test
  void twoTailnetsSelfAndExpiredRequestsNeverMatch() {
    var a = device("t1");
    var c = device("t2");
    ask(a, c, 0);
    assertInstanceOf(UdpSessionTable.Offered.class, ask(c, a, 0));
    assertInstanceOf(UdpSessionTable.Refused.class, ask(a, a, 0));
    var b = device("t1");
    ask(a, b, 0);
    assertInstanceOf(UdpSessionTable.Offered.class, ask(b, a, 31 * S), "a's request expired");
  }

  @Test
  void aRequestFromAnOlderConnectionDoesNotCount() {
    var a = device("t");
    var b = device("t");
    ask(a, b, 0);
    var a2 = new ConnectedDevice(a.key(), a.authorization(), null, r -> {});
    assertInstanceOf(
        UdpSessionTable.Offered.class,
        table.request(b, a.key(), a2, S, stale),
        "the peer connected again since it asked");
  }

  @Test
  void sessionsAndRequestsPerNodeAreBounded() {
    var a = device("t");
    for (int i = 0; i < 2; i++) {
      var p = device("t");
      ask(p, a, 0);
      table.add(session((UdpSessionTable.Match) ask(a, p, 0), 0));
    }
    var p = device("t");
    ask(p, a, 0);
    assertEquals(new UdpSessionTable.Refused("udp_allocation_limit"), ask(a, p, 0), "a holds two");
    var q = device("t");
    ask(q, device("t"), 0);
    ask(q, device("t"), 0);
    assertEquals(new UdpSessionTable.Refused("udp_request_limit"), ask(q, device("t"), 0));
  }

  @Test
  void goneAndIdleSessionsEnd() {
    var a = device("t");
    var b = device("t");
    var c = device("t");
    ask(a, b, 0);
    UdpSession ab = session((UdpSessionTable.Match) ask(b, a, 0), 0);
    table.add(ab);
    ask(a, c, 0);
    UdpSession ac = session((UdpSessionTable.Match) ask(c, a, 0), 0);
    table.add(ac);
    ac.lastActive = 80 * S;
    assertEquals(List.of(ab), table.expire(91 * S));
    assertEquals(List.of(ac), table.gone(c));
    assertEquals(0, table.sessions());
    ask(a, b, 100 * S);
    table.gone(a);
    assertEquals(0, table.offers());
    assertTrue(stale.isEmpty());
  }
}
