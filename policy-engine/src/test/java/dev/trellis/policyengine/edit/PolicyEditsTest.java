package dev.trellis.policyengine.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.trellis.policyengine.model.Policy;
import dev.trellis.proto.event.v1.PolicyRejected;
import dev.trellis.proto.event.v1.PolicyUpdated;
import org.junit.jupiter.api.Test;

class PolicyEditsTest {
  @Test
  void acceptedEditsAreNumberedAndChained() {
    PolicyEdits.Accepted first =
        assertInstanceOf(
            PolicyEdits.Accepted.class, PolicyEdits.decide(Policy.DEFAULT_HUJSON, null));
    PolicyUpdated v1 = first.event();
    assertEquals(1, v1.getVersion());
    assertEquals("", v1.getPreviousSha256());
    assertEquals(PolicyEdits.sha256(Policy.DEFAULT_HUJSON), v1.getSha256());
    PolicyEdits.Accepted second =
        assertInstanceOf(PolicyEdits.Accepted.class, PolicyEdits.decide("{\"acls\": []}", v1));
    assertEquals(2, second.event().getVersion());
    assertEquals(v1.getSha256(), second.event().getPreviousSha256());
    assertEquals(0, second.policy().rules().size());
  }

  @Test
  void refusedEditsCarryEveryProblemWithItsPlace() {
    PolicyUpdated v3 = PolicyUpdated.newBuilder().setVersion(3).setSha256("ab").build();
    PolicyEdits.Refused r =
        assertInstanceOf(
            PolicyEdits.Refused.class,
            PolicyEdits.decide("{\n \"acls\": [],\n \"ssh\": [],\n \"x\": 1}", v3));
    PolicyRejected e = r.event();
    assertEquals(3, e.getBaseVersion());
    assertEquals(2, e.getErrorsCount());
    assertEquals(3, e.getErrors(0).getLine());
    assertEquals(2, e.getErrors(0).getColumn());
    assertEquals("POLICY_INVALID", e.getErrors(0).getCode());
    assertEquals("unknown key 'x'", e.getErrors(1).getMessage());
  }

  @Test
  void failingPolicyTestsAreRefusedWithTheirCode() {
    PolicyEdits.Refused r =
        assertInstanceOf(
            PolicyEdits.Refused.class,
            PolicyEdits.decide(
                "{\"acls\": [], \"tests\": [{\"src\": \"a@b.c\", \"accept\": [\"1.2.3.4:22\"]}]}",
                null));
    assertEquals("POLICY_TESTS_FAILED", r.event().getErrors(0).getCode());
  }
}
