package dev.trellis.policyengine.hujson;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Problem;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Assertions;

/** Fuzz target: random and mutated policy texts never crash the parser or the loader. */
class HuJsonFuzzTest {
  static final String SEED =
      """
      {
        "groups": {"group:eng": ["alice@example.com", "bob@example.com",],},
        "hosts": {"db": "100.64.0.9", "lan": "10.0.0.0/8"},
        "tagOwners": {"tag:server": ["group:eng"], "tag:ci": ["autogroup:admin"]},
        // rules
        "acls": [
          {"action": "accept", "src": ["group:eng"], "dst": ["tag:server:22,80,8000-8080"]},
          {"action": "accept", "src": ["*"], "proto": "udp", "dst": ["db:53", "lan:*"]},
          {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]},
        ],
        "grants": [{"src": ["tag:ci"], "dst": ["tag:server"], "ip": ["tcp:443", "icmp"]}],
        "tests": [{"src": "alice@example.com", "accept": ["tag:server:22"], "deny": ["tag:server:23"]}],
      }
      """;

  @Provide
  Arbitrary<String> mutated() {
    return Arbitraries.integers()
        .between(0, SEED.length() - 1)
        .list()
        .ofMinSize(1)
        .ofMaxSize(8)
        .flatMap(
            cuts ->
                Arbitraries.strings()
                    .withChars("{}[]\":,/*\\ \nxa0-9@:.tag")
                    .ofMaxLength(4)
                    .list()
                    .ofSize(cuts.size())
                    .map(
                        inserts -> {
                          StringBuilder sb = new StringBuilder(SEED);
                          for (int i = 0; i < cuts.size(); i++) {
                            int at = Math.min(cuts.get(i), sb.length());
                            int end = Math.min(sb.length(), at + (i % 3));
                            sb.replace(at, end, inserts.get(i));
                          }
                          return sb.toString();
                        }));
  }

  @Property(tries = 1500)
  void mutatedPoliciesYieldAResultNeverAnException(@ForAll("mutated") String text) {
    PolicyLoader.Result r = PolicyLoader.load(text);
    Assertions.assertTrue(r.accepted() != !r.problems().isEmpty());
    for (Problem p : r.problems()) {
      Assertions.assertTrue(p.pos().line() <= text.lines().count() + 1, p.toString());
    }
  }

  @Property(tries = 1500)
  void randomTextYieldsAResultNeverAnException(@ForAll String text) {
    PolicyLoader.Result r = PolicyLoader.load(text);
    Assertions.assertTrue(r.accepted() != !r.problems().isEmpty());
  }

  @org.junit.jupiter.api.Test
  void theSeedIsAccepted() {
    Assertions.assertTrue(PolicyLoader.load(SEED).accepted(), PolicyLoader.load(SEED).toString());
  }
}
