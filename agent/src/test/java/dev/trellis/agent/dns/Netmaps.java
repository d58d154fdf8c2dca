package dev.trellis.agent.dns;

import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.DnsRecord;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.Resolvers;
import java.util.List;

/** Netmap pieces for the resolver's tests: nodes of a tailnet under {@link #SUFFIX}. */
final class Netmaps {
  static final String SUFFIX = "acme.trellis.internal";

  private Netmaps() {}

  static Node node(String id, String label, String v4, String v6) {
    Node.Builder b = Node.newBuilder().setId(id).setName(label + "." + SUFFIX + ".");
    if (v4 != null) {
      b.addAddresses(v4 + "/32");
    }
    if (v6 != null) {
      b.addAddresses(v6 + "/128");
    }
    return b.build();
  }

  static Node self() {
    return node("n1", "laptop", "100.64.0.1", "fd7a:115c:a1e0::1");
  }

  static List<Node> peers() {
    return List.of(
        node("n2", "nas", "100.64.0.2", "fd7a:115c:a1e0::2"),
        node("n3", "grafana", "100.64.0.3", null));
  }

  static DnsConfig.Builder config() {
    return DnsConfig.newBuilder().setMagicDnsEnabled(true).setMagicDnsSuffix(SUFFIX);
  }

  static DnsConfig withExtrasAndRoutes() {
    return config()
        .addExtraRecords(
            DnsRecord.newBuilder().setName("db.internal").setType("A").setValue("100.64.0.9"))
        .addExtraRecords(
            DnsRecord.newBuilder().setName("db.internal").setType("AAAA").setValue("fd7a::9"))
        .addExtraRecords(
            DnsRecord.newBuilder().setName("odd.internal").setType("MX").setValue("mx.example"))
        .putRoutes("corp.test", Resolvers.newBuilder().addAddresses("100.64.0.53").build())
        .putRoutes("eu.corp.test", Resolvers.newBuilder().addAddresses("100.64.0.54:5353").build())
        .addResolvers("192.0.2.53")
        .build();
  }
}
