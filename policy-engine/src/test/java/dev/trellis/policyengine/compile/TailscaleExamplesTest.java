package dev.trellis.policyengine.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.event.v1.UserRole;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Policies written the way Tailscale's documentation writes them load and compile as expected. */
class TailscaleExamplesTest {
  static final String ACLS_EXAMPLE =
      """
      // Example/default ACLs for unrestricted connections.
      {
        // Declare static groups of users. Use autogroups for all users or users with a specific role.
        "groups": {
          "group:engineering": ["dave@example.com", "laura@example.com"],
          "group:sales": ["brad@example.com", "alice@example.com"],
        },
        // Define the tags which can be applied to devices and by which users.
        "tagOwners": {
          "tag:webserver": ["group:engineering"],
          "tag:prod": ["group:engineering", "autogroup:admin"],
        },
        // Define host aliases.
        "hosts": {
          "crm": "100.100.100.100",
          "office-network": "100.100.101.100/24",
        },
        "acls": [
          // All employees can reach the web servers on 80 and 443.
          {"action": "accept", "src": ["autogroup:member"], "dst": ["tag:webserver:80,443"]},
          // Engineering reaches prod on any port.
          {"action": "accept", "src": ["group:engineering"], "dst": ["tag:prod:*"]},
          // Sales reaches the CRM over HTTPS.
          {"action": "accept", "src": ["group:sales"], "dst": ["crm:443"]},
          // The office network reaches the web servers.
          {"action": "accept", "src": ["office-network"], "dst": ["tag:webserver:443"]},
          // Everyone reaches their own devices.
          {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]},
        ],
        "tests": [
          {
            "src": "dave@example.com",
            "accept": ["tag:prod:22", "tag:webserver:80", "dave@example.com:8080"],
            "deny": ["crm:443", "laura@example.com:22"],
          },
          {
            "src": "brad@example.com",
            "accept": ["crm:443", "tag:webserver:443"],
            "deny": ["tag:prod:22", "tag:webserver:22"],
          },
          {"src": "100.100.101.7", "accept": ["tag:webserver:443"], "deny": ["tag:webserver:80"]},
        ],
      }
      """;

  static final String GRANTS_EXAMPLE =
      """
      {
        "groups": {"group:engineering": ["dave@example.com"]},
        "tagOwners": {"tag:prod": ["group:engineering"], "tag:dns": []},
        "grants": [
          {"src": ["group:engineering"], "dst": ["tag:prod"], "ip": ["tcp:22", "tcp:443", "icmp:*"]},
          {"src": ["autogroup:member"], "dst": ["tag:dns"], "ip": ["udp:53", "tcp:53"]},
          {"src": ["autogroup:member"], "dst": ["autogroup:self"], "ip": ["*"]},
        ],
        "tests": [
          {"src": "dave@example.com", "accept": ["tag:prod:22", "tag:prod:443"], "deny": ["tag:prod:80"]},
          {"src": "dave@example.com", "proto": "udp", "accept": ["tag:dns:53"], "deny": ["tag:prod:22"]},
        ],
      }
      """;

  static Node node(String id, int last, String user, String... tags) {
    return new Node(
        id,
        List.of(InetAddress.ofLiteral("100.64.0." + last)),
        user,
        UserRole.MEMBER,
        Set.of(tags));
  }

  static Policy load(String text) {
    PolicyLoader.Result r = PolicyLoader.load(text);
    assertTrue(r.accepted(), r.problems().toString());
    return r.policy().orElseThrow();
  }

  @Test
  void aclsExampleCompiles() {
    Compilation c =
        new Compilation(
            load(ACLS_EXAMPLE),
            List.of(
                node("dave", 1, "dave@example.com"),
                node("laura", 2, "laura@example.com"),
                node("brad", 3, "brad@example.com"),
                node("web", 4, "dave@example.com", "tag:webserver"),
                node("prod", 5, "laura@example.com", "tag:prod")));
    assertEquals(Set.of("web", "prod"), c.peersOf("dave"));
    assertEquals(Set.of("web"), c.peersOf("brad"));
    assertEquals(Set.of("dave", "laura", "brad"), c.peersOf("web"));
    List<FilterRule> web = c.filterFor("web");
    assertEquals(2, web.size());
    // Sources are listed in node-id order (brad, dave, laura).
    assertEquals(
        List.of("100.64.0.3/32", "100.64.0.1/32", "100.64.0.2/32"), FilterSources.text(web.get(0)));
    assertEquals(List.of("100.100.101.0/24"), FilterSources.text(web.get(1)));
    assertEquals(
        List.of("100.64.0.1/32", "100.64.0.2/32"),
        FilterSources.text(c.filterFor("prod").getFirst()));
  }

  @Test
  void grantsExampleCompiles() {
    Compilation c =
        new Compilation(
            load(GRANTS_EXAMPLE),
            List.of(
                node("dave", 1, "dave@example.com"),
                node("prod", 5, "dave@example.com", "tag:prod"),
                node("dns", 6, "dave@example.com", "tag:dns")));
    List<FilterRule> prod = c.filterFor("prod");
    assertEquals(2, prod.size(), "one rule for tcp 22/443, one for icmp");
    assertEquals(List.of(6), prod.get(0).getIpProtocolsList());
    assertEquals(2, prod.get(0).getDestinationsCount());
    assertEquals(List.of(1, 58), prod.get(1).getIpProtocolsList());
    assertEquals(Set.of("prod", "dns"), c.peersOf("dave"));
    assertEquals(Set.of(), c.peersOf("dns").headSet("dave"));
  }
}
