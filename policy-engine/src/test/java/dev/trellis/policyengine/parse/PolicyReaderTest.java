package dev.trellis.policyengine.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.model.PortRange;
import dev.trellis.policyengine.model.Problem;
import dev.trellis.policyengine.model.Protocols;
import dev.trellis.policyengine.model.Rule;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.proto.net.IpPrefix;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyReaderTest {
  static final String DEFS =
      """
      "groups": {"group:eng": ["alice@example.com"]},
      "hosts": {"db": "100.64.0.9", "lan": "10.0.0.0/8", "v6net": "fd7a:115c:a1e0::/48"},
      "tagOwners": {"tag:server": ["group:eng"]},
      """;

  static Policy accept(String body) {
    PolicyLoader.Result r = PolicyLoader.load("{" + DEFS + body + "}");
    assertTrue(r.accepted(), r.problems().toString());
    return r.policy().orElseThrow();
  }

  static Problem refuse(String text) {
    PolicyLoader.Result r = PolicyLoader.load(text);
    assertTrue(!r.accepted(), "expected a refusal of " + text);
    return r.problems().getFirst();
  }

  static Rule onlyRule(String dst) {
    return accept(
            "\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"" + dst + "\"]}]")
        .rules()
        .getFirst();
  }

  @ParameterizedTest(name = "dst {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "*:*|*|*",
        "alice@example.com:22|alice@example.com|22",
        "group:eng:80,443|group:eng|80,443",
        "tag:server:8000-8080|tag:server|8000-8080",
        "db:5432|db|5432",
        "lan:*|lan|*",
        "100.64.0.1:22,80-90,443|100.64.0.1/32|22,80-90,443",
        "100.64.0.0/10:0-65535|100.64.0.0/10|*",
        "100.100.101.100/24:1|100.100.101.0/24|1",
        "fd7a:115c:a1e0::1:443|fd7a:115c:a1e0::1/128|443",
        "[fd7a:115c:a1e0::1]:443|fd7a:115c:a1e0::1/128|443",
        "v6net:*|v6net|*",
        "autogroup:member:22|autogroup:member|22",
        "autogroup:tagged:22|autogroup:tagged|22",
        "autogroup:admin:22|autogroup:admin|22",
        "autogroup:self:*|autogroup:self|*",
      })
  void everyDestinationSelectorAndPortForm(String dst, String selector, String ports) {
    Rule r = onlyRule(dst);
    assertEquals(selector, r.dst().getFirst().selector().toString());
    assertEquals(
        ports,
        String.join(",", r.dst().getFirst().ports().stream().map(PortRange::toString).toList()));
  }

  @ParameterizedTest(name = "src {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "*|Any",
        "alice@example.com|User",
        "group:eng|Group",
        "tag:server|Tag",
        "db|Host",
        "100.64.0.0/10|Ip",
        "fd7a:115c:a1e0::5|Ip",
        "autogroup:member|Member",
        "autogroup:tagged|Tagged",
        "autogroup:admin|Admin",
      })
  void everySourceSelector(String src, String kind) {
    Policy p =
        accept(
            "\"acls\": [{\"action\": \"accept\", \"src\": [\"" + src + "\"], \"dst\": [\"*:*\"]}]");
    assertEquals(kind, p.rules().getFirst().src().getFirst().getClass().getSimpleName());
  }

  @ParameterizedTest(name = "proto {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"tcp\"|6",
        "\"udp\"|17",
        "\"icmp\"|1,58",
        "\"ipv6-icmp\"|58",
        "\"gre\"|47",
        "\"47\"|47",
        "50|50",
        "\"SCTP\"|132"
      })
  void protocolsByNameOrNumber(String proto, String numbers) {
    Policy p =
        accept(
            "\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"proto\": "
                + proto
                + ", \"dst\": [\"*:*\"]}]");
    assertEquals(
        Set.of(numbers.split(",")).stream()
            .map(Integer::parseInt)
            .collect(java.util.stream.Collectors.toSet()),
        p.rules().getFirst().protocols());
  }

  @Test
  void grantsSplitByProtocol() {
    Policy p =
        accept(
            """
            "grants": [{"src": ["group:eng"], "dst": ["tag:server", "db"],
                        "ip": ["tcp:22", "tcp:80-90", "udp:53", "icmp", "8080"]}]
            """);
    List<Rule> rules = p.rules();
    assertEquals(4, rules.size());
    assertEquals(Set.of(Protocols.TCP), rules.get(0).protocols());
    assertEquals(
        List.of(new PortRange(22, 22), new PortRange(80, 90)), rules.get(0).dst().get(1).ports());
    assertEquals(Set.of(Protocols.UDP), rules.get(1).protocols());
    assertEquals(Set.of(Protocols.ICMP, Protocols.ICMPV6), rules.get(2).protocols());
    assertEquals(List.of(PortRange.ALL), rules.get(2).dst().getFirst().ports());
    assertEquals(Set.of(), rules.get(3).protocols());
    assertEquals(
        new Selector.Host("db", IpPrefix.parse("100.64.0.9")),
        rules.get(3).dst().get(1).selector());
  }

  @ParameterizedTest(name = "{2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        // text | line:column | message fragment
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"group:ops\"], \"dst\": [\"*:*\"]}]}|1:40|undefined group 'group:ops'",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"tag:web\"], \"dst\": [\"*:*\"]}]}|1:40|tag 'tag:web' has no owner",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"nas:*\"]}]}|1:54|undefined host 'nas'",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:70000\"]}]}|1:54|port 70000 is above 65535",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:90-80\"]}]}|1:54|runs backwards",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:http\"]}]}|1:54|malformed ports",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*\"]}]}|1:54|needs ports",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"10.0.0.0/33\"], \"dst\": [\"*:*\"]}]}|1:40|longer than 32",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"10.0.0.256\"], \"dst\": [\"*:*\"]}]}|1:40|malformed IP address",
        "{\"acls\": [{\"action\": \"deny\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]}|1:22|must be \"accept\"",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"], \"proto\": \"tcpp\"}]}|1:71|unknown protocol 'tcpp'",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:22\"], \"proto\": \"icmp\"}]}|1:54|need proto tcp",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"users\": [\"*\"], \"dst\": [\"*:*\"]}]}|1:46|'src' is given twice",
        "{\"acls\": [], \"ACLs\": []}|1:14|'acls' is given twice",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"], \"color\": 1}]}|1:62|unknown key 'color'",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"autogroup:self\"], \"dst\": [\"*:*\"]}]}|1:40|only allowed as a destination",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"autogroup:internet\"], \"dst\": [\"*:*\"]}]}|1:40|autogroup:internet is only allowed as a destination",
        "{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"autogroup:nope:*\"]}]}|1:54|unsupported autogroup",
        "{\"ssh\": []}|1:2|'ssh' is not supported",
        "{\"nodeAttrs\": []}|1:2|'nodeAttrs' is not supported",
        "{\"autoApprovers\": []}|1:19|'autoApprovers' must be an object",
        "{\"autoApprovers\": {\"routes\": []}}|1:30|'autoApprovers.routes' must be an object",
        "{\"autoApprovers\": {\"route\": {}}}|1:20|unknown key 'route' in autoApprovers",
        "{\"autoApprovers\": {\"routes\": {\"10.0.0.1/8\": [\"a@b.c\"]}}}|1:31|'10.0.0.1/8' has host bits set; the network is 10.0.0.0/8 in autoApprovers.routes",
        "{\"autoApprovers\": {\"routes\": {\"10.0.0.0\": [\"a@b.c\"]}}}|1:31|'10.0.0.0' is not a CIDR",
        "{\"autoApprovers\": {\"routes\": {\"0.0.0.0/0\": [\"a@b.c\"]}}}|1:31|is a default route; offer it with --advertise-exit-node, not as a subnet in autoApprovers.routes (exit nodes go in 'exitNode')",
        "{\"autoApprovers\": {\"routes\": {\"100.64.1.0/24\": [\"a@b.c\"]}}}|1:31|overlaps the tailnet's own range",
        "{\"autoApprovers\": {\"routes\": {\"10.0.0.0/8\": [\"group:x\"]}}}|1:46|undefined group 'group:x' (not in groups) in autoApprovers.routes[10.0.0.0/8]",
        "{\"autoApprovers\": {\"routes\": {\"10.0.0.0/8\": [\"tag:x\"]}}}|1:46|tag 'tag:x' has no owner",
        "{\"autoApprovers\": {\"routes\": {\"10.0.0.0/8\": \"a@b.c\"}}}|1:45|must be an array of strings",
        "{\"autoApprovers\": {\"exitNode\": \"a@b.c\"}}|1:32|autoApprovers.exitNode must be an array of strings",
        "{\"autoApprovers\": {\"exitNode\": [1]}}|1:33|entries must be strings",
        "{\"autoApprovers\": {\"exitNode\": [\"*\"]}}|1:33|'*' is not allowed here",
        "{\"autoApprovers\": {\"exitNode\": [\"10.0.0.1\"]}}|1:33|auto-approvers are users, groups, tags or autogroups",
        "{\"autoApprovers\": {\"exitNode\": [\"autogroup:self\"]}}|1:33|only allowed as a destination",
        "{\"aclz\": []}|1:2|unknown key 'aclz'",
        "{\"grants\": [{\"src\": [\"*\"], \"dst\": [\"*\"], \"app\": {}}]}|1:42|application capabilities",
        "{\"grants\": [{\"src\": [\"*\"], \"dst\": [\"*\"], \"ip\": [\"tcp:x\"]}]}|1:49|malformed ports",
        "{\"groups\": {\"group:a\": [\"group:b\"]}}|1:25|cannot contain other groups",
        "{\"groups\": {\"eng\": []}}|1:13|group names look like",
        "{\"tagOwners\": {\"tag:a\": [\"group:x\"]}}|1:26|undefined group 'group:x'",
        "{\"hosts\": {\"nas\": \"not-an-ip\"}}|1:19|is not an IP or CIDR",
        "{\"tests\": [{\"src\": \"nobody\", \"accept\": [\"*:22\"]}]}|1:20|undefined host 'nobody'",
        "{\"tests\": [{\"src\": \"a@b.c\", \"accept\": [\"1.2.3.4\"]}]}|1:40|needs one port",
        "[]|1:1|must be an object",
      })
  void errorsNameTheProblemAtItsLineAndColumn(String text, String pos, String fragment) {
    Problem p = refuse(text);
    assertEquals(pos, p.pos().toString(), p.toString());
    assertTrue(p.message().contains(fragment), p.toString());
    assertEquals(Problem.INVALID, p.code());
  }

  @Test
  void keysMatchWithoutRegardToCaseAndLegacyNamesStillWork() {
    PolicyLoader.Result r =
        PolicyLoader.load(
            """
            {
              "Groups": {"group:eng": ["alice@example.com"]},
              "TagOwners": {"tag:server": ["group:eng"]},
              "ACLs": [
                {"Action": "accept", "Users": ["group:eng"], "Ports": ["tag:server:22"]},
                {"action": "accept", "SRC": ["*"], "Proto": "udp", "DST": ["tag:server:53"]},
              ],
              "Tests": [{"Src": "alice@example.com", "Accept": ["tag:server:22"]}],
            }
            """);
    assertTrue(r.accepted(), r.problems().toString());
    Policy p = r.policy().orElseThrow();
    assertEquals(2, p.rules().size());
    assertEquals(new Selector.Group("group:eng"), p.rules().getFirst().src().getFirst());
    assertEquals(Set.of(Protocols.UDP), p.rules().get(1).protocols());
    assertEquals(1, p.tests().size());
  }

  @Test
  void everyProblemIsReportedNotJustTheFirst() {
    PolicyLoader.Result r =
        PolicyLoader.load(
            """
            {
              "acls": [
                {"action": "accept", "src": ["group:a"], "dst": ["tag:b:*"]},
                {"action": "accept", "src": ["*"], "dst": ["host9:22"]},
              ],
            }
            """);
    assertEquals(
        List.of("3:34", "3:54", "4:48"),
        r.problems().stream().map(p -> p.pos().toString()).toList());
  }
}
