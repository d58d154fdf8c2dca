package dev.trellis.policyengine.tags;

import dev.trellis.policyengine.model.Identity;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.proto.event.v1.UserRole;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a node may carry the tags it asks for: each tag must be defined in {@code
 * tagOwners} and either be one of its auth key's tags or be owned by its user — by login, through a
 * group, through {@code autogroup:admin} (owner or admin role) or {@code autogroup:member}, or
 * through an owning tag the node may itself carry.
 *
 * <p>Thread-safety: stateless.
 */
public final class TagOwnership {
  private TagOwnership() {}

  /**
   * Who asks for the tags.
   *
   * @param user login of the user registering the node (or who created its auth key)
   * @param role that user's role
   * @param authKeyTags tags the auth key was created with (empty for interactive logins)
   */
  public record Requester(String user, UserRole role, Set<String> authKeyTags) {
    public Requester {
      authKeyTags = Set.copyOf(authKeyTags);
    }
  }

  /** Allowed, or refused with a reason naming the first refused tag. */
  public record Decision(boolean allowed, String reason) {
    static final Decision ALLOWED = new Decision(true, "");
  }

  /** Checks the requested tags against the policy's tagOwners. */
  public static Decision check(Policy policy, Set<String> requested, Requester who) {
    for (String t : new TreeSet<>(requested)) {
      if (!policy.tagOwners().containsKey(t)) {
        return new Decision(false, t + " is not defined in tagOwners");
      }
    }
    boolean admin = who.role() == UserRole.OWNER || who.role() == UserRole.ADMIN;
    Identity user = new Identity(who.user(), admin, Set.of(), List.of());
    Set<String> usable = new HashSet<>(who.authKeyTags());
    boolean grew = true;
    while (grew) {
      grew = false;
      for (String t : requested) {
        if (!usable.contains(t) && owns(policy, policy.tagOwners().get(t), user, usable)) {
          usable.add(t);
          grew = true;
        }
      }
    }
    for (String t : new TreeSet<>(requested)) {
      if (!usable.contains(t)) {
        return new Decision(
            false,
            t
                + " may not be used by "
                + who.user()
                + (who.authKeyTags().isEmpty() ? "" : " or its auth key's tags")
                + " (see tagOwners)");
      }
    }
    return Decision.ALLOWED;
  }

  private static boolean owns(
      Policy policy, List<Selector> owners, Identity user, Set<String> usableTags) {
    for (Selector o : owners) {
      if (o instanceof Selector.Tag tag
          ? usableTags.contains(tag.name())
          : matchesUser(policy, o, user)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesUser(Policy policy, Selector o, Identity user) {
    return user.user() != null && policy.matches(o, user);
  }
}
