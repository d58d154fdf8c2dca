package dev.trellis.agent.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.crypto.ChaChaPoly;
import dev.trellis.proto.crypto.JdkChaChaPoly;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.PresharedKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Noise_IKpsk2 handshakes between two in-process identities. */
class HandshakeTest {
  private final NodePrivateKey a = NodePrivateKey.generate();
  private final NodePrivateKey b = NodePrivateKey.generate();
  private final LocalIdentity la = new LocalIdentity(a);
  private final LocalIdentity lb = new LocalIdentity(b);

  private Keypair[] run(PresharedKey pskA, PresharedKey pskB, Instant ts) {
    Handshake ha = new Handshake(la, new RemoteIdentity(la, b.publicKey(), pskA));
    Handshake hb = new Handshake(lb, new RemoteIdentity(lb, a.publicKey(), pskB));
    Initiation init = ha.createInitiation(11, ts);
    byte[] wire = init.encode();
    new CookieGenerator(new RemoteIdentity(la, b.publicKey(), pskA)).addMacs(wire, 0);
    assertTrue(new CookieChecker(lb).checkMac1(wire, 0, wire.length));
    assertFalse(new CookieChecker(la).checkMac1(wire, 0, wire.length), "MAC1 is for B only");
    Handshake.OpenedInitiation opened = Handshake.open(lb, Initiation.decode(wire, 0, wire.length));
    assertNotNull(opened);
    assertArrayEquals(a.publicKey().toBytes(), opened.remoteStatic());
    assertEquals(Handshake.Result.OK, hb.consume(opened, 1_000_000_000L));
    Keypair[] rk = new Keypair[1];
    Response resp = hb.createResponse(22, 0, rk);
    byte[] rw = resp.encode();
    Response decoded = Response.decode(rw, 0, rw.length);
    Keypair ik = ha.consume(decoded, 0);
    return new Keypair[] {ik, rk[0]};
  }

  @Test
  void bothSidesDeriveMatchingTransportKeys() {
    Keypair[] k = run(null, null, Instant.now());
    assertNotNull(k[0]);
    assertEquals(11, k[0].localIndex());
    assertEquals(22, k[0].remoteIndex());
    assertEquals(22, k[1].localIndex());
    assertEquals(11, k[1].remoteIndex());
    ChaChaPoly aead = new JdkChaChaPoly();
    byte[] msg = new byte[] {1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    int n = aead.seal(k[0].sendKey(), 0, msg, 0, 4, null);
    assertEquals(4, aead.open(k[1].receiveKey(), 0, msg, 0, n, null));
    n = aead.seal(k[1].sendKey(), 0, msg, 0, 4, null);
    assertEquals(4, aead.open(k[0].receiveKey(), 0, msg, 0, n, null));
  }

  @Test
  void presharedKeyMatchesAndWrongPresharedKeyFails() {
    PresharedKey psk = PresharedKey.generate();
    assertNotNull(run(psk, PresharedKey.fromBytes(psk.toBytes()), Instant.now())[0]);
    assertNull(run(psk, PresharedKey.generate(), Instant.now())[0]);
    assertNull(run(psk, null, Instant.now())[0]);
  }

  @Test
  void replayedOrOlderInitiationIsRejected() {
    Handshake ha = new Handshake(la, new RemoteIdentity(la, b.publicKey(), null));
    Handshake hb = new Handshake(lb, new RemoteIdentity(lb, a.publicKey(), null));
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Initiation first = ha.createInitiation(1, t);
    assertEquals(Handshake.Result.OK, hb.consume(Handshake.open(lb, first), 0));
    assertEquals(Handshake.Result.REPLAY, hb.consume(Handshake.open(lb, first), 5_000_000_000L));
    Initiation older = ha.createInitiation(2, t.minusSeconds(1));
    assertEquals(Handshake.Result.REPLAY, hb.consume(Handshake.open(lb, older), 6_000_000_000L));
    Initiation soon = ha.createInitiation(3, t.plusSeconds(1));
    assertEquals(Handshake.Result.FLOOD, hb.consume(Handshake.open(lb, soon), 1_000_000L));
    assertEquals(Handshake.Result.OK, hb.consume(Handshake.open(lb, soon), 7_000_000_000L));
  }

  private static void assertTalk(Keypair from, Keypair to) {
    ChaChaPoly aead = new JdkChaChaPoly();
    byte[] msg = new byte[] {9, 8, 7, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    int n = aead.seal(from.sendKey(), 0, msg, 0, 4, null);
    assertEquals(4, aead.open(to.receiveKey(), 0, msg, 0, n, null));
  }

  @Test
  void crossingInitiationsBothComplete() {
    Handshake ha = new Handshake(la, new RemoteIdentity(la, b.publicKey(), null));
    Handshake hb = new Handshake(lb, new RemoteIdentity(lb, a.publicKey(), null));
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Initiation fromA = ha.createInitiation(1, t);
    Initiation fromB = hb.createInitiation(2, t);
    // each answers the other's initiation while its own is pending
    assertEquals(Handshake.Result.OK, ha.consume(Handshake.open(la, fromB), 0));
    Keypair[] ar = new Keypair[1];
    Response respA = ha.createResponse(3, 0, ar);
    assertEquals(Handshake.Result.OK, hb.consume(Handshake.open(lb, fromA), 0));
    Keypair[] br = new Keypair[1];
    Response respB = hb.createResponse(4, 0, br);
    assertTrue(ha.initiationPending() && hb.initiationPending(), "own initiations survive");
    assertFalse(ha.initiationConsumed() || hb.initiationConsumed());
    // and each response still completes the other's initiation
    Keypair ai = ha.consume(respB, 0);
    Keypair bi = hb.consume(respA, 0);
    assertNotNull(ai);
    assertNotNull(bi);
    assertFalse(ha.initiationPending() || hb.initiationPending());
    assertEquals(1, ai.localIndex());
    assertEquals(4, ai.remoteIndex());
    assertEquals(2, bi.localIndex());
    assertEquals(3, bi.remoteIndex());
    assertTrue(ai.initiator() && bi.initiator() && !ar[0].initiator() && !br[0].initiator());
    assertTalk(ai, br[0]);
    assertTalk(br[0], ai);
    assertTalk(bi, ar[0]);
    assertTalk(ar[0], bi);
    assertNull(ha.consume(respB, 0), "a response completes an initiation once");
    assertTrue(ha.initiationPrevails() != hb.initiationPrevails(), "both sides agree who prevails");
  }

  @Test
  void answeringAnInitiationNeedsOneConsumedAndAnswersItOnce() {
    Handshake ha = new Handshake(la, new RemoteIdentity(la, b.publicKey(), null));
    Handshake hb = new Handshake(lb, new RemoteIdentity(lb, a.publicKey(), null));
    assertNull(hb.createResponse(1, 0, new Keypair[1]));
    hb.createInitiation(7, Instant.now());
    assertNull(hb.createResponse(1, 0, new Keypair[1]), "our own initiation is not answered");
    assertEquals(
        Handshake.Result.OK,
        hb.consume(Handshake.open(lb, ha.createInitiation(5, Instant.now())), 0));
    assertNotNull(hb.createResponse(1, 0, new Keypair[1]));
    assertNull(hb.createResponse(2, 0, new Keypair[1]));
    hb.clear();
    assertFalse(hb.initiationPending());
  }

  @Test
  void initiationForSomeoneElseDoesNotOpen() {
    LocalIdentity other = new LocalIdentity(NodePrivateKey.generate());
    Handshake ha = new Handshake(la, new RemoteIdentity(la, b.publicKey(), null));
    assertNull(Handshake.open(other, ha.createInitiation(1, Instant.now())));
  }

  @Test
  void cookieReplyRoundTripsAndMac2IsThenAccepted() {
    RemoteIdentity toB = new RemoteIdentity(la, b.publicKey(), null);
    CookieGenerator gen = new CookieGenerator(toB);
    CookieChecker checker = new CookieChecker(lb);
    byte[] source = {127, 0, 0, 1, 0x20, 0x4e};
    byte[] wire = new Handshake(la, toB).createInitiation(5, Instant.now()).encode();
    gen.addMacs(wire, 0);
    assertFalse(checker.checkMac2(wire, 0, wire.length, source, 0));
    CookieReply reply = checker.reply(wire, 0, wire.length, 5, source, 0);
    byte[] rw = reply.encode();
    assertTrue(gen.consume(CookieReply.decode(rw, 0, rw.length), 0));
    byte[] again = new Handshake(la, toB).createInitiation(6, Instant.now()).encode();
    gen.addMacs(again, 1);
    assertTrue(checker.checkMac2(again, 0, again.length, source, 1));
    assertFalse(checker.checkMac2(again, 0, again.length, new byte[] {1, 2, 3, 4, 0, 0}, 1));
  }
}
