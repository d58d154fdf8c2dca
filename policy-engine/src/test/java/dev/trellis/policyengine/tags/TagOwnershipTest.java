package dev.trellis.policyengine.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.tags.TagOwnership.Requester;
import dev.trellis.proto.event.v1.UserRole;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TagOwnershipTest {
  static final Policy POLICY =
      PolicyLoader.load(
              """
              {"groups": {"group:ops": ["olga@example.com"]},
               "tagOwners": {
                 "tag:web": ["alice@example.com"],
                 "tag:db": ["group:ops"],
                 "tag:prod": ["autogroup:admin"],
                 "tag:any": ["autogroup:member"],
                 "tag:deploy": ["tag:ci"],
                 "tag:ci": [],
               }}
              """)
          .policy()
          .orElseThrow();

  static Set<String> set(String list) {
    return list == null || list.isBlank() ? Set.of() : Set.of(list.split(" "));
  }

  @ParameterizedTest(name = "{0} as {1} with key tags [{2}] asks [{3}]")
  @CsvSource(
      delimiter = '|',
      value = {
        // user | role | auth key tags | requested | allowed or the error
        "alice@example.com|MEMBER||tag:web|ok",
        "bob@example.com|MEMBER||tag:web|tag:web may not be used by bob@example.com (see tagOwners)",
        "olga@example.com|MEMBER||tag:db|ok",
        "alice@example.com|MEMBER||tag:db|tag:db may not be used by alice@example.com (see tagOwners)",
        "root@example.com|ADMIN||tag:prod|ok",
        "root@example.com|OWNER||tag:prod|ok",
        "net@example.com|NETWORK_ADMIN||tag:prod|tag:prod may not be used by net@example.com (see tagOwners)",
        "bob@example.com|MEMBER||tag:any|ok",
        "bob@example.com|MEMBER|tag:ci|tag:ci tag:deploy|ok",
        "bob@example.com|MEMBER|tag:ci|tag:deploy|ok",
        "bob@example.com|MEMBER||tag:ci tag:deploy|tag:ci may not be used by bob@example.com (see tagOwners)",
        "bob@example.com|MEMBER|tag:web|tag:web|ok",
        "bob@example.com|MEMBER|tag:ci|tag:db|tag:db may not be used by bob@example.com or its auth key's tags (see tagOwners)",
        "alice@example.com|MEMBER||tag:nope|tag:nope is not defined in tagOwners",
        "alice@example.com|MEMBER|||ok",
      })
  void tagsNeedAnOwner(String user, String role, String keyTags, String requested, String want) {
    TagOwnership.Decision d =
        TagOwnership.check(
            POLICY, set(requested), new Requester(user, UserRole.valueOf(role), set(keyTags)));
    assertEquals(want, d.allowed() ? "ok" : d.reason());
  }
}
