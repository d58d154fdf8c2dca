package dev.trellis.policyengine.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Problem;
import org.junit.jupiter.api.Test;

class PolicyTestRunnerTest {
  static final String POLICY =
      """
      {
        "groups": {"group:eng": ["alice@example.com"], "group:sales": ["carol@example.com"]},
        "hosts": {"printer": "100.64.0.50"},
        "tagOwners": {"tag:server": ["group:eng"], "tag:ci": []},
        "acls": [
          {"action": "accept", "src": ["group:eng"], "dst": ["tag:server:22,80"]},
          {"action": "accept", "src": ["autogroup:member"], "dst": ["printer:631"]},
          {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]},
          {"action": "accept", "src": ["tag:ci"], "proto": "udp", "dst": ["tag:server:53"]},
        ],
        "tests": [
          %s
        ],
      }
      """;

  static PolicyLoader.Result withTests(String tests) {
    return PolicyLoader.load(POLICY.formatted(tests));
  }

  @Test
  void passingTestsAccept() {
    PolicyLoader.Result r =
        withTests(
            """
            {"src": "alice@example.com", "accept": ["tag:server:22", "tag:server:80", "printer:631",
             "alice@example.com:3000"], "deny": ["tag:server:443", "carol@example.com:22"]},
            {"src": "carol@example.com", "accept": ["100.64.0.50:631"], "deny": ["tag:server:22"]},
            {"src": "tag:ci", "proto": "udp", "accept": ["tag:server:53"]},
            {"src": "tag:ci", "deny": ["tag:server:53", "printer:631"]},
            """);
    assertTrue(r.accepted(), r.problems().toString());
  }

  @Test
  void failingAcceptIsRefusedWithTheAssertion() {
    PolicyLoader.Result r =
        withTests("{\"src\": \"carol@example.com\", \"accept\": [\"tag:server:22\"]},");
    assertTrue(!r.accepted());
    Problem p = r.problems().getFirst();
    assertEquals(Problem.TESTS_FAILED, p.code());
    assertEquals(
        "tests[0]: carol@example.com -> tag:server:22 (proto 6) should be accepted, but no rule"
            + " allows it",
        p.message());
    assertEquals(12, p.pos().line());
  }

  @Test
  void failingDenyNamesTheRuleThatAllows() {
    PolicyLoader.Result r =
        withTests("{\"src\": \"alice@example.com\", \"deny\": [\"tag:server:80\"]},");
    Problem p = r.problems().getFirst();
    assertTrue(p.message().endsWith("should be denied, but acls[0] allows it"), p.message());
  }

  @Test
  void internetDestinationsAreAddressesOutsideTheTailnet() {
    PolicyLoader.Result r =
        PolicyLoader.load(
            """
            {
              "acls": [
                {"action": "accept", "src": ["alice@example.com"], "dst": ["autogroup:internet:443"]},
                {"action": "accept", "src": ["alice@example.com"], "dst": ["192.168.1.0/24:22"]},
              ],
              "tests": [
                {"src": "alice@example.com", "accept": ["8.8.8.8:443", "[2001:db8::1]:443",
                 "192.168.1.7:22"], "deny": ["8.8.8.8:80", "100.64.0.1:443", "192.168.2.1:22"]},
                {"src": "bob@example.com", "deny": ["8.8.8.8:443"]},
              ],
            }
            """);
    assertTrue(r.accepted(), r.problems().toString());
  }

  @Test
  void protocolOfTheTestMatters() {
    assertTrue(
        !withTests("{\"src\": \"tag:ci\", \"accept\": [\"tag:server:53\"]},").accepted(),
        "tcp is not allowed for tag:ci");
  }
}
