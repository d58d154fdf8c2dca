package dev.trellis.coordinator.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import dev.trellis.proto.channel.ControlChannel;
import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.control.v1.UserProfile;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A full netmap of 15,000 peers (over the channel's 4 MiB record) is split into parts that each fit
 * in one record and merge back into exactly the original; a netmap that fits is sent as it is.
 */
class NetmapPartsTest {
  private static Node peer(Random r, int i) {
    byte[] k = new byte[32];
    r.nextBytes(k);
    String id = "n" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String v4 = "100.64." + (i / 250) + "." + (i % 250 + 1);
    return Node.newBuilder()
        .setId(id)
        .setStableId(id)
        .setName("device-" + i + ".tailnet-example.ts.net")
        .setNodeKey(ByteString.copyFrom(k))
        .setDiscoKey(ByteString.copyFrom(k))
        .setMachineKey(ByteString.copyFrom(k))
        .addEndpoints(Endpoint.newBuilder().setAddress("203.0.113." + (i % 250) + ":41641"))
        .addEndpoints(Endpoint.newBuilder().setAddress("192.168.1." + (i % 250) + ":41641"))
        .addAddresses(v4 + "/32")
        .addAllowedIps(v4 + "/32")
        .addAddresses("fd7a:115c:a1e0::" + Integer.toHexString(i) + "/128")
        .addAllowedIps("fd7a:115c:a1e0::" + Integer.toHexString(i) + "/128")
        .setUserId("u" + (i % 7))
        .setHostInfo(HostInfo.newBuilder().setHostname("device-" + i).setOs("linux"))
        .setOnline(true)
        .setLastSeen(Timestamp.newBuilder().setSeconds(1_790_000_000L + i))
        .build();
  }

  private static MapResponse full(int peers) {
    Random r = new Random(42);
    FullNetmap.Builder f =
        FullNetmap.newBuilder()
            .setSelf(peer(r, -1))
            .setDns(DnsConfig.newBuilder().setMagicDnsEnabled(true).setMagicDnsSuffix("x.ts.net"))
            .setTailnetName("example");
    for (int i = 0; i < peers; i++) {
      f.addPeers(peer(r, i));
    }
    for (int u = 0; u < 7; u++) {
      f.addUserProfiles(UserProfile.newBuilder().setUserId("u" + u).setLoginName("u" + u + "@x"));
    }
    return MapResponse.newBuilder()
        .setFull(f)
        .setNetmapVersion(7)
        .setResumeToken("tok")
        .setSentAt(Timestamp.newBuilder().setSeconds(1_790_000_000L))
        .build();
  }

  @Test
  void aNetmapOverTheRecordLimitGoesOutInPartsThatMergeBackToIt() {
    MapResponse frame = full(15_000);
    int whole = ServerMessage.newBuilder().setMap(frame).build().getSerializedSize();
    assertTrue(whole > ControlChannel.MAX_RECORD_BYTES, "the test netmap is " + whole + " bytes");

    List<MapResponse> parts = NetmapParts.split(frame, NetmapParts.PART_BYTES);

    assertTrue(parts.size() >= 2, parts.size() + " parts");
    MapResponse.Builder merged = null;
    for (int i = 0; i < parts.size(); i++) {
      MapResponse p = parts.get(i);
      int record = ServerMessage.newBuilder().setMap(p).build().getSerializedSize();
      assertTrue(record <= ControlChannel.MAX_RECORD_BYTES - 16, "part " + i + ": " + record);
      assertTrue(p.hasFull());
      assertEquals(i < parts.size() - 1, p.getMoreParts(), "more_parts of part " + i);
      assertEquals(7, p.getNetmapVersion());
      assertEquals("tok", p.getResumeToken());
      if (merged == null) {
        merged = p.toBuilder();
      } else {
        assertFalse(p.getFull().hasSelf(), "only the first part carries self");
        merged.getFullBuilder().mergeFrom(p.getFull());
      }
    }
    assertEquals(frame, merged.setMoreParts(false).build());
  }

  /** {@code frame} with its peers carried already encoded (as NetmapFrames does for big ones). */
  private static MapResponse encoded(MapResponse frame) {
    UnknownFieldSet.Field.Builder peers = UnknownFieldSet.Field.newBuilder();
    frame.getFull().getPeersList().forEach(p -> peers.addLengthDelimited(p.toByteString()));
    FullNetmap f =
        frame.getFull().toBuilder()
            .clearPeers()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(FullNetmap.PEERS_FIELD_NUMBER, peers.build())
                    .build())
            .build();
    return frame.toBuilder().setFull(f).build();
  }

  @Test
  void aNetmapWithEncodedPeersSplitsAndParsesBackToTheSameNetmap() throws Exception {
    MapResponse frame = full(15_000);
    MapResponse enc = encoded(frame);
    assertEquals(0, enc.getFull().getPeersCount());
    assertEquals(frame, MapResponse.parseFrom(enc.toByteArray()), "same bytes on the wire");

    List<MapResponse> parts = NetmapParts.split(enc, NetmapParts.PART_BYTES);

    assertTrue(parts.size() >= 2, parts.size() + " parts");
    MapResponse.Builder merged = null;
    for (MapResponse p : parts) {
      byte[] wire = ServerMessage.newBuilder().setMap(p).build().toByteArray();
      assertTrue(wire.length <= ControlChannel.MAX_RECORD_BYTES - 16, "part of " + wire.length);
      MapResponse parsed = ServerMessage.parseFrom(wire).getMap();
      if (merged == null) {
        merged = parsed.toBuilder();
      } else {
        merged.getFullBuilder().mergeFrom(parsed.getFull());
      }
    }
    assertEquals(frame, merged.setMoreParts(false).build());
  }

  @Test
  void aNetmapThatFitsIsSentWhole() {
    MapResponse frame = full(100);
    List<MapResponse> parts = NetmapParts.split(frame, NetmapParts.PART_BYTES);
    assertEquals(1, parts.size());
    assertSame(frame, parts.getFirst());
    assertFalse(parts.getFirst().getMoreParts());
  }
}
