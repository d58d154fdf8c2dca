package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.DnsRecord;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ResponderTest {
  final DnsCounters counters = new DnsCounters();
  final Responder responder = new Responder(counters);
  final ResolverState state = state(Netmaps.withExtrasAndRoutes());

  static ResolverState state(DnsConfig config) {
    return new ResolverState(
        RecordTable.build(Netmaps.self(), Netmaps.peers(), config),
        UpstreamRoutes.of(config, List.of(Upstream.parse("10.9.9.9"))));
  }

  Message reply(byte[] query, boolean tcp) {
    Responder.Outcome o = responder.handle(query, query.length, tcp, state);
    return Queries.parse(assertInstanceOf(Responder.Reply.class, o).wire());
  }

  @Test
  void aPeerIsAnsweredAuthoritativelyWithTheQuestionEchoed() {
    Message q = Queries.query("NAS.acme.trellis.internal.", Type.A);
    Message r = reply(q.toWire(), false);
    assertEquals(q.getHeader().getID(), r.getHeader().getID());
    assertEquals(Rcode.NOERROR, r.getRcode());
    assertTrue(r.getHeader().getFlag(Flags.QR));
    assertTrue(r.getHeader().getFlag(Flags.AA));
    assertTrue(r.getHeader().getFlag(Flags.RA));
    assertTrue(r.getHeader().getFlag(Flags.RD));
    assertEquals("NAS.acme.trellis.internal.", r.getQuestion().getName().toString());
    List<Record> answers = r.getSection(Section.ANSWER);
    assertEquals(1, answers.size());
    assertEquals("100.64.0.2", answers.getFirst().rdataToString());
    assertEquals(RecordTable.TTL, answers.getFirst().getTTL());
    assertEquals(1, counters.answeredLocally());
  }

  @Test
  void aMissingTailnetNameIsNxdomain() {
    Message r = reply(Queries.wire("gone.acme.trellis.internal.", Type.A), false);
    assertEquals(Rcode.NXDOMAIN, r.getRcode());
    assertTrue(r.getSection(Section.ANSWER).isEmpty());
    assertEquals(1, counters.errors(DnsCounters.Error.NXDOMAIN));
  }

  @Test
  void otherNamesGoToTheLongestSplitDomainElseTheGlobalResolvers() {
    assertEquals(List.of("100.64.0.53:53"), upstreams("db.corp.test."));
    assertEquals(List.of("100.64.0.54:5353"), upstreams("x.EU.corp.test."));
    assertEquals(List.of("100.64.0.53:53"), upstreams("corp.test."));
    assertEquals(List.of("192.0.2.53:53"), upstreams("example.com."));
    assertEquals(List.of("192.0.2.53:53"), upstreams("notcorp.test."));
  }

  @Test
  void withoutGlobalResolversOtherNamesGoToTheOriginalOnes() {
    ResolverState s = state(Netmaps.config().build());
    byte[] q = Queries.wire("example.com.", Type.A);
    var f = assertInstanceOf(Responder.Forward.class, responder.handle(q, q.length, false, s));
    assertEquals(List.of("10.9.9.9:53"), f.upstreams().stream().map(Upstream::toString).toList());
  }

  @Test
  void withNoUpstreamAtAllTheAnswerIsServfail() {
    ResolverState s =
        new ResolverState(
            RecordTable.EMPTY, UpstreamRoutes.of(DnsConfig.getDefaultInstance(), List.of()));
    byte[] q = Queries.wire("example.com.", Type.A);
    Responder.Outcome o = responder.handle(q, q.length, false, s);
    Message r = Queries.parse(assertInstanceOf(Responder.Reply.class, o).wire());
    assertEquals(Rcode.SERVFAIL, r.getRcode());
  }

  List<String> upstreams(String name) {
    byte[] q = Queries.wire(name, Type.A);
    var f = assertInstanceOf(Responder.Forward.class, responder.handle(q, q.length, false, state));
    return f.upstreams().stream().map(Upstream::toString).toList();
  }

  @Test
  void responsesShortPacketsAndOversizedOnesAreDroppedAndCounted() {
    byte[] response = Queries.wire("nas.", Type.A);
    response[2] |= (byte) 0x80;
    assertEquals(
        new Responder.Drop(DnsCounters.Drop.NOT_A_QUERY),
        responder.handle(response, response.length, false, state));
    assertEquals(
        new Responder.Drop(DnsCounters.Drop.MALFORMED),
        responder.handle(new byte[11], 11, false, state));
    byte[] big = new byte[Responder.MAX_QUERY + 1];
    assertEquals(
        new Responder.Drop(DnsCounters.Drop.OVERSIZED),
        responder.handle(big, big.length, true, state));
    assertEquals(1, counters.dropped(DnsCounters.Drop.NOT_A_QUERY));
    assertEquals(1, counters.dropped(DnsCounters.Drop.MALFORMED));
    assertEquals(1, counters.dropped(DnsCounters.Drop.OVERSIZED));
  }

  @Test
  void anUnreadableQueryIsFormerrWithItsId() {
    byte[] q = Queries.wire("nas.", Type.A);
    byte[] cut = java.util.Arrays.copyOf(q, q.length - 3);
    Responder.Outcome o = responder.handle(cut, cut.length, false, state);
    byte[] wire = assertInstanceOf(Responder.Reply.class, o).wire();
    assertArrayEquals(new byte[] {q[0], q[1]}, new byte[] {wire[0], wire[1]});
    Message r = Queries.parse(wire);
    assertEquals(Rcode.FORMERR, r.getRcode());
    assertTrue(r.getHeader().getFlag(Flags.QR));
    assertEquals(1, counters.errors(DnsCounters.Error.FORMERR));
  }

  @Test
  void otherOpcodesTwoQuestionsNewEdnsVersionsOtherClassesAndTransfersAreRefused() {
    Message update = Queries.query("nas.", Type.A);
    update.getHeader().setOpcode(Opcode.NOTIFY);
    assertEquals(Rcode.NOTIMP, reply(update.toWire(), false).getRcode());

    Message two = Queries.query("nas.", Type.A);
    two.addRecord(
        Record.newRecord(Name.fromConstantString("grafana."), Type.A, DClass.IN), Section.QUESTION);
    assertEquals(Rcode.FORMERR, reply(two.toWire(), false).getRcode());

    Message edns1 = Queries.query("nas.", Type.A);
    edns1.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 1), Section.ADDITIONAL);
    assertEquals(Rcode.BADVERS, reply(edns1.toWire(), false).getRcode());

    Message chaos =
        Message.newQuery(
            Record.newRecord(Name.fromConstantString("version.bind."), Type.TXT, DClass.CH));
    assertEquals(Rcode.REFUSED, reply(chaos.toWire(), false).getRcode());
    assertEquals(
        Rcode.REFUSED, reply(Queries.wire("acme.trellis.internal.", Type.AXFR), true).getRcode());
  }

  @Test
  void aLargeAnswerIsTruncatedForUdpAndWholeOverTcp() {
    DnsConfig.Builder c = Netmaps.config();
    for (int i = 1; i <= 100; i++) {
      c.addExtraRecords(
          DnsRecord.newBuilder().setName("big.internal").setType("A").setValue("10.0.0." + i));
    }
    ResolverState s = state(c.build());
    byte[] q = Queries.wire("big.internal.", Type.A);
    byte[] udp =
        assertInstanceOf(Responder.Reply.class, responder.handle(q, q.length, false, s)).wire();
    assertTrue(udp.length <= 512, "classic UDP limit, got " + udp.length);
    Message cut = Queries.parse(udp);
    assertTrue(cut.getHeader().getFlag(Flags.TC));
    byte[] tcp =
        assertInstanceOf(Responder.Reply.class, responder.handle(q, q.length, true, s)).wire();
    Message whole = Queries.parse(tcp);
    assertFalse(whole.getHeader().getFlag(Flags.TC));
    assertEquals(100, whole.getSection(Section.ANSWER).size());
    byte[] e = Queries.withEdns("big.internal.", Type.A, 4096);
    byte[] edns =
        assertInstanceOf(Responder.Reply.class, responder.handle(e, e.length, false, s)).wire();
    Message m = Queries.parse(edns);
    assertFalse(m.getHeader().getFlag(Flags.TC));
    assertEquals(100, m.getSection(Section.ANSWER).size());
    assertEquals(Responder.ADVERTISED_PAYLOAD, m.getOPT().getPayloadSize());
  }
}
