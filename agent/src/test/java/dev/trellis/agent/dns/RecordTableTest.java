package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.control.v1.Node;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class RecordTableTest {
  static final RecordTable TABLE =
      RecordTable.build(Netmaps.self(), Netmaps.peers(), Netmaps.withExtrasAndRoutes());

  static Name n(String s) {
    return Name.fromConstantString(s);
  }

  static List<String> rdata(RecordTable.Lookup l) {
    return l.answers().stream().map(Record::rdataToString).toList();
  }

  @Test
  void peersAnswerUnderFullAndShortNamesInAnyCase() {
    assertEquals(
        List.of("100.64.0.2"), rdata(TABLE.lookup(n("nas.acme.trellis.internal."), Type.A)));
    assertEquals(List.of("100.64.0.2"), rdata(TABLE.lookup(n("NaS."), Type.A)));
    assertEquals(List.of("fd7a:115c:a1e0:0:0:0:0:2"), rdata(TABLE.lookup(n("nas."), Type.AAAA)));
    assertEquals(
        List.of("100.64.0.1"), rdata(TABLE.lookup(n("laptop.acme.trellis.internal."), Type.A)));
    RecordTable.Lookup both = TABLE.lookup(n("nas."), Type.ANY);
    assertEquals(2, both.answers().size());
    assertEquals("NaS.", TABLE.lookup(n("NaS."), Type.A).answers().getFirst().getName().toString());
  }

  @Test
  void aNameWithoutRecordsOfTheTypeIsNodataAndAMissingOneNxdomain() {
    assertEquals(RecordTable.Kind.NODATA, TABLE.lookup(n("grafana."), Type.AAAA).kind());
    assertEquals(RecordTable.Kind.NODATA, TABLE.lookup(n("nas."), Type.MX).kind());
    assertEquals(
        RecordTable.Kind.NXDOMAIN, TABLE.lookup(n("gone.acme.trellis.internal."), Type.A).kind());
    assertEquals(
        RecordTable.Kind.NXDOMAIN, TABLE.lookup(n("x.nas.acme.trellis.internal."), Type.A).kind());
    assertEquals(RecordTable.Kind.NODATA, TABLE.lookup(n("acme.trellis.internal."), Type.A).kind());
  }

  @Test
  void otherNamesAreNotOursSoTheyAreForwarded() {
    assertEquals(RecordTable.Kind.NOT_OURS, TABLE.lookup(n("example.com."), Type.A).kind());
    assertEquals(RecordTable.Kind.NOT_OURS, TABLE.lookup(n("printer."), Type.A).kind());
    assertEquals(RecordTable.Kind.NOT_OURS, TABLE.lookup(n("trellis.internal."), Type.A).kind());
  }

  @Test
  void reverseNamesOfTailnetAddressesArePtrAndUnknownOnesNxdomain() {
    assertEquals(
        List.of("nas.acme.trellis.internal."),
        rdata(TABLE.lookup(n("2.0.64.100.in-addr.arpa."), Type.PTR)));
    Name v6 = n("2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.e.1.a.c.5.1.1.a.7.d.f.ip6.arpa.");
    assertEquals(List.of("nas.acme.trellis.internal."), rdata(TABLE.lookup(v6, Type.PTR)));
    assertEquals(
        RecordTable.Kind.NXDOMAIN, TABLE.lookup(n("99.0.64.100.in-addr.arpa."), Type.PTR).kind());
    assertEquals(
        RecordTable.Kind.NXDOMAIN, TABLE.lookup(n("1.2.127.100.in-addr.arpa."), Type.PTR).kind());
    assertEquals(
        RecordTable.Kind.NOT_OURS, TABLE.lookup(n("1.2.128.100.in-addr.arpa."), Type.PTR).kind());
    assertEquals(
        RecordTable.Kind.NOT_OURS, TABLE.lookup(n("8.8.8.8.in-addr.arpa."), Type.PTR).kind());
  }

  @Test
  void extraRecordsAnswerAndUnknownTypesAreIgnored() {
    assertEquals(List.of("100.64.0.9"), rdata(TABLE.lookup(n("db.internal."), Type.A)));
    assertEquals(List.of("fd7a:0:0:0:0:0:0:9"), rdata(TABLE.lookup(n("DB.internal."), Type.AAAA)));
    assertEquals(RecordTable.Kind.NOT_OURS, TABLE.lookup(n("odd.internal."), Type.A).kind());
  }

  @Test
  void withMagicDnsOffOnlyExtraRecordsAnswer() {
    RecordTable off =
        RecordTable.build(
            Netmaps.self(),
            Netmaps.peers(),
            Netmaps.withExtrasAndRoutes().toBuilder().setMagicDnsEnabled(false).build());
    assertEquals(RecordTable.Kind.NOT_OURS, off.lookup(n("nas."), Type.A).kind());
    assertEquals(
        RecordTable.Kind.NOT_OURS, off.lookup(n("gone.acme.trellis.internal."), Type.A).kind());
    assertEquals(RecordTable.Kind.ANSWER, off.lookup(n("db.internal."), Type.A).kind());
  }

  @Test
  void aRemovedPeerIsGoneFromTheNextTable() {
    RecordTable next =
        RecordTable.build(
            Netmaps.self(), List.of(Netmaps.peers().get(1)), Netmaps.withExtrasAndRoutes());
    assertEquals(
        RecordTable.Kind.NXDOMAIN, next.lookup(n("nas.acme.trellis.internal."), Type.A).kind());
    assertEquals(RecordTable.Kind.NOT_OURS, next.lookup(n("nas."), Type.A).kind());
  }

  @Test
  void badNamesAndAddressesFromTheNetmapAreSkippedNotThrown() {
    List<Node> peers =
        List.of(
            Node.newBuilder().setId("x").setName("bad name!.acme.trellis.internal.").build(),
            Node.newBuilder().setId("y").setName("").addAddresses("100.64.0.8/32").build(),
            Node.newBuilder()
                .setId("z")
                .setName("odd.acme.trellis.internal.")
                .addAddresses("not-an-ip")
                .addAddresses("100.64.0.7/32")
                .build());
    RecordTable t = RecordTable.build(null, peers, Netmaps.config().build());
    assertEquals(List.of("100.64.0.7"), rdata(t.lookup(n("odd."), Type.A)));
    assertTrue(t.size() >= 2);
    RecordTable garbage =
        RecordTable.build(null, peers, Netmaps.config().setMagicDnsSuffix("..bad..").build());
    assertEquals(RecordTable.Kind.NOT_OURS, garbage.lookup(n("odd."), Type.A).kind());
  }

  @Test
  void aShortNameSharedByTwoNodesGoesToTheFirstInNameOrder() {
    List<Node> peers =
        List.of(
            Node.newBuilder()
                .setId("b")
                .setName("nas.zeta.trellis.internal.")
                .addAddresses("100.64.0.12/32")
                .build(),
            Netmaps.node("a", "nas", "100.64.0.11", null));
    RecordTable t =
        RecordTable.build(
            null, peers, Netmaps.config().setMagicDnsSuffix("trellis.internal").build());
    assertEquals(List.of("100.64.0.11"), rdata(t.lookup(n("nas."), Type.A)));
    assertEquals(List.of("100.64.0.12"), rdata(t.lookup(n("nas.zeta.trellis.internal."), Type.A)));
  }
}
