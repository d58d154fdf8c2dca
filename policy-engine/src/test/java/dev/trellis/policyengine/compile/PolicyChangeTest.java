package dev.trellis.policyengine.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyChangeTest {
  @Test
  void closingTheServerToTheGroupReachesOnlyTheNodesInvolved() {
    Policy open = CompilationTest.policy(CompilationTest.POLICY);
    Policy closed =
        CompilationTest.policy(
            """
            {"groups": {"group:eng": ["alice@example.com"]},
             "tagOwners": {"tag:server": ["group:eng"]},
             "acls": [{"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]}]}
            """);
    List<Node> nodes =
        List.of(
            CompilationTest.ALICE_LAPTOP,
            CompilationTest.ALICE_PHONE,
            CompilationTest.BOB_LAPTOP,
            CompilationTest.SERVER);
    Set<String> ids = Set.of("a1", "a2", "b1", "s1");
    Change ch = PolicyChange.between(new Compilation(open, nodes), new Compilation(closed, nodes));
    assertEquals(Set.of("s1"), ch.filtersChanged());
    assertEquals(Set.of("a1", "a2", "s1"), ch.peers().keySet());
    assertEquals(Set.of("a1", "a2"), ch.peers().get("s1").removed());
    assertEquals(Set.of("s1"), ch.peers().get("a1").removed());

    Change none = PolicyChange.between(new Compilation(open, nodes), new Compilation(open, nodes));
    assertEquals(new Change(Set.of(), Map.of()), none);
    Change toDefault =
        PolicyChange.between(
            new Compilation(closed, nodes), new Compilation(PolicyLoader.defaultPolicy(), nodes));
    assertEquals(ids, toDefault.filtersChanged());
    assertEquals(Set.of("b1", "s1"), toDefault.peers().get("a1").added());
  }
}
