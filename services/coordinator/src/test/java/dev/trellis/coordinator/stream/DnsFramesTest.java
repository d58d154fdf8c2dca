package dev.trellis.coordinator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.netmap.SameTailnetVisibility;
import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.DnsExtraRecord;
import dev.trellis.proto.event.v1.DnsResolverList;
import dev.trellis.proto.event.v1.DnsSettings;
import dev.trellis.proto.event.v1.DnsSettingsChanged;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.runtime.eventlog.Events;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tailnet's DNS settings reach its devices: in the full netmap, as {@code dns_config_changed}
 * when they change, and as a fresh full netmap when the suffix (every node's name) changes; other
 * tailnets see nothing.
 */
class DnsFramesTest {
  private final Events events = new Events(Clock.systemUTC());
  private final Actor actor = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("t").build();
  private final NetmapModel model = new NetmapModel();
  private final StreamHub hub =
      new StreamHub(
          model,
          new NetmapFrames(new SameTailnetVisibility()),
          Clock.systemUTC(),
          System::nanoTime,
          64,
          15_000_000_000L,
          60_000_000_000L);

  private static final class Sink implements FrameSink {
    final List<MapResponse> frames = new ArrayList<>();

    @Override
    public void send(MapResponse frame, byte[] encoded) {
      frames.add(Encoded.checked(frame, encoded));
    }

    @Override
    public void ended() {}

    MapResponse last() {
      return frames.getLast();
    }
  }

  private void apply(String tailnet, Message payload) {
    model.apply(events.draft(tailnet, tailnet, actor, payload).build(), hub::onChange);
  }

  private void join(String tailnet, String id, int n) {
    byte[] k = new byte[32];
    k[0] = (byte) n;
    apply(
        tailnet,
        NodeRegistered.newBuilder()
            .setNodeId(id)
            .setMachineKey(ByteString.copyFrom(k))
            .setNodeKey(ByteString.copyFrom(k))
            .setName("host" + n)
            .setApproved(true)
            .build());
    apply(tailnet, AddressAllocated.newBuilder().setNodeId(id).setIpv4("100.64.0." + n).build());
  }

  private Sink open(String id) {
    Sink s = new Sink();
    hub.open(model.node(id).orElseThrow(), s, "", 0);
    return s;
  }

  private void dns(String tailnet, DnsSettings s, long version) {
    apply(tailnet, DnsSettingsChanged.newBuilder().setSettings(s).setVersion(version).build());
  }

  @Test
  void settingsReachDevicesAsDeltasAndASuffixChangeAsAFreshNetmap() {
    apply("t1", TailnetCreated.newBuilder().setName("acme").build());
    apply("t2", TailnetCreated.newBuilder().setName("other").build());
    join("t1", "a", 1);
    join("t1", "b", 2);
    join("t2", "x", 3);
    Sink a = open("a");
    Sink x = open("x");
    DnsConfig initial = a.frames.getFirst().getFull().getDns();
    assertTrue(initial.getMagicDnsEnabled(), "MagicDNS is on by default");
    assertEquals("acme.trellis.internal", initial.getMagicDnsSuffix());

    DnsSettings split =
        DnsSettings.newBuilder()
            .addNameservers("1.1.1.1")
            .putRoutes(
                "corp.test", DnsResolverList.newBuilder().addAddresses("100.64.0.53").build())
            .addSearchDomains("corp.test")
            .addExtraRecords(
                DnsExtraRecord.newBuilder()
                    .setName("grafana.internal")
                    .setType("A")
                    .setValue("100.64.0.7"))
            .build();
    dns("t1", split, 1);
    assertTrue(a.last().hasDnsConfigChanged(), a.last().toString());
    DnsConfig c = a.last().getDnsConfigChanged();
    assertEquals(List.of("1.1.1.1"), c.getResolversList());
    assertEquals(List.of("100.64.0.53"), c.getRoutesMap().get("corp.test").getAddressesList());
    assertEquals(List.of("corp.test"), c.getSearchDomainsList());
    assertEquals("grafana.internal", c.getExtraRecords(0).getName());
    assertEquals("acme.trellis.internal", c.getMagicDnsSuffix());
    assertEquals(1, x.frames.size(), "another tailnet hears nothing");

    int before = a.frames.size();
    dns("t1", split, 2);
    assertEquals(before, a.frames.size(), "the same settings again change nothing");

    dns("t1", split.toBuilder().setMagicDns(false).build(), 3);
    assertFalse(a.last().getDnsConfigChanged().getMagicDnsEnabled());

    dns("t1", split.toBuilder().setSuffix("corp.example.net").build(), 4);
    assertTrue(a.last().hasFull(), "every name changed: " + a.last());
    var full = a.last().getFull();
    assertEquals("host1.corp.example.net.", full.getSelf().getName());
    assertEquals("host2.corp.example.net.", full.getPeers(0).getName());
    assertEquals("corp.example.net", full.getDns().getMagicDnsSuffix());
    assertTrue(full.getDns().getMagicDnsEnabled());

    join("t1", "c", 4);
    assertEquals("host4.corp.example.net.", a.last().getPeersAdded().getPeers(0).getName());
    assertEquals(1, x.frames.size());
  }
}
