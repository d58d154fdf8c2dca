package dev.trellis.agent.netmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.Keepalive;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PacketFilter;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayRegion;
import org.junit.jupiter.api.Test;

/**
 * The relay map, packet filter and DNS configuration are part of the snapshot: a full frame sets
 * them, their own deltas replace them, other frames keep them; {@link Netmap#sameContent} ignores
 * only the version and resume token.
 */
class NetmapSettingsTest {
  private static final RelayMap RELAYS =
      RelayMap.newBuilder()
          .putRegions(1, RelayRegion.newBuilder().setRegionId(1).setRegionCode("fra").build())
          .build();
  private static final PacketFilter FILTER =
      PacketFilter.newBuilder().addRules(FilterRule.newBuilder().addSrcPrefixes("*")).build();
  private static final DnsConfig DNS =
      DnsConfig.newBuilder().setMagicDnsEnabled(true).setMagicDnsSuffix("tail.example").build();

  private static Netmap afterFull() {
    return Netmap.EMPTY.apply(
        MapResponse.newBuilder()
            .setFull(
                FullNetmap.newBuilder()
                    .setSelf(Node.newBuilder().setId("self"))
                    .setRelayMap(RELAYS)
                    .setPacketFilter(FILTER)
                    .setDns(DNS))
            .setNetmapVersion(1)
            .setResumeToken("t1")
            .build());
  }

  @Test
  void emptyHasEmptySettings() {
    assertEquals(RelayMap.getDefaultInstance(), Netmap.EMPTY.relayMap());
    assertEquals(PacketFilter.getDefaultInstance(), Netmap.EMPTY.packetFilter());
    assertEquals(DnsConfig.getDefaultInstance(), Netmap.EMPTY.dns());
  }

  @Test
  void fullSetsEverySetting() {
    Netmap m = afterFull();
    assertEquals(RELAYS, m.relayMap());
    assertEquals(FILTER, m.packetFilter());
    assertEquals(DNS, m.dns());
  }

  @Test
  void eachSettingHasItsOwnDelta() {
    Netmap m = afterFull();
    RelayMap relays = RelayMap.getDefaultInstance();
    Netmap r = m.apply(MapResponse.newBuilder().setRelayMapChanged(relays).build());
    assertEquals(relays, r.relayMap());
    assertEquals(FILTER, r.packetFilter());
    assertEquals(DNS, r.dns());

    PacketFilter filter = PacketFilter.getDefaultInstance();
    Netmap f = m.apply(MapResponse.newBuilder().setPacketFilterChanged(filter).build());
    assertEquals(filter, f.packetFilter());
    assertEquals(RELAYS, f.relayMap());

    DnsConfig dns = DNS.toBuilder().addSearchDomains("corp.example").build();
    Netmap d = m.apply(MapResponse.newBuilder().setDnsConfigChanged(dns).build());
    assertEquals(dns, d.dns());
    assertEquals(FILTER, d.packetFilter());
    assertEquals(RELAYS, d.relayMap());
    assertEquals("self", d.self().getId(), "a settings delta keeps self");
  }

  @Test
  void sameContentIgnoresOnlyVersionAndToken() {
    Netmap m = afterFull();
    Netmap kept =
        m.apply(
            MapResponse.newBuilder()
                .setKeepalive(Keepalive.getDefaultInstance())
                .setNetmapVersion(7)
                .setResumeToken("t7")
                .build());
    assertEquals(7, kept.version());
    assertTrue(kept.sameContent(m));
    assertFalse(
        m.apply(
                MapResponse.newBuilder()
                    .setDnsConfigChanged(DnsConfig.getDefaultInstance())
                    .build())
            .sameContent(m));
    assertFalse(Netmap.EMPTY.sameContent(m));
    assertTrue(Netmap.EMPTY.sameContent(new Netmap(null, java.util.Map.of(), 3, "x")));
  }
}
