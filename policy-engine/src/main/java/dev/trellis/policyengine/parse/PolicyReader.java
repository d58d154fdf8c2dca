package dev.trellis.policyengine.parse;

import dev.trellis.policyengine.hujson.JsonValue;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.model.Problem;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a HuJSON tree into a {@link Policy}, collecting every problem with its line and column:
 * unknown keys, Tailscale features Trellis does not support (named), undefined groups, tags and
 * hosts, tags without owners, malformed ports, CIDRs and protocols. Sections are read in dependency
 * order (groups, hosts, tagOwners, then acls, grants, tests, autoApprovers) whatever their order in
 * the text.
 *
 * <p>Thread-safety: single-use, confined to the calling thread.
 */
public final class PolicyReader {
  private static final Set<String> SECTIONS =
      Set.of("groups", "hosts", "tagOwners", "acls", "grants", "tests", "autoApprovers");
  private static final Set<String> UNSUPPORTED_SECTIONS =
      Set.of(
          "ssh",
          "sshTests",
          "nodeAttrs",
          "derpMap",
          "postures",
          "defaultSrcPosture",
          "ipsets",
          "disableIPv4",
          "randomizeClientPort",
          "OneCGNATRoute",
          "attrs");

  private final ReadContext ctx = new ReadContext();
  private final DefinitionsReader definitions = new DefinitionsReader(ctx);
  private final RuleReader rules = new RuleReader(ctx);
  private final TestReader tests = new TestReader(ctx);
  private final AutoApproversReader autoApprovers = new AutoApproversReader(ctx);

  private PolicyReader() {}

  /** The policy, or the problems that refuse it (never both). */
  public record Result(Optional<Policy> policy, List<Problem> problems) {
    public Result {
      problems = List.copyOf(problems);
    }
  }

  /** Reads a parsed document. */
  public static Result read(JsonValue doc) {
    PolicyReader r = new PolicyReader();
    r.document(doc);
    if (!r.ctx.problems().isEmpty()) {
      return new Result(Optional.empty(), r.ctx.problems());
    }
    DefinitionsReader d = r.definitions;
    return new Result(
        Optional.of(
            new Policy(
                d.groups,
                d.hosts,
                d.tagOwners,
                r.rules.rules,
                r.tests.tests,
                r.autoApprovers.approvers)),
        List.of());
  }

  private static final Map<String, String> TOP_KEYS = topKeys();
  private static final Map<String, String> ACL_KEYS =
      withLegacy(Set.of("action", "src", "dst", "proto", "srcPosture"));
  private static final Map<String, String> GRANT_KEYS =
      KeySpelling.of(Set.of("src", "dst", "ip", "app", "via", "srcPosture"));
  private static final Map<String, String> TEST_KEYS =
      KeySpelling.of(Set.of("src", "proto", "accept", "deny", "srcPostureAttrs"));

  private static Map<String, String> topKeys() {
    Set<String> all = new java.util.HashSet<>(SECTIONS);
    all.addAll(UNSUPPORTED_SECTIONS);
    return KeySpelling.of(all);
  }

  private static Map<String, String> withLegacy(Set<String> keys) {
    Map<String, String> m = new java.util.HashMap<>(KeySpelling.of(keys));
    m.put("users", "src");
    m.put("ports", "dst");
    return m;
  }

  private void document(JsonValue doc) {
    if (!(doc instanceof JsonValue.Obj raw)) {
      ctx.fail(doc.pos(), "the policy must be an object, not " + doc.kind());
      return;
    }
    JsonValue.Obj top = KeySpelling.canonical(raw, TOP_KEYS, ctx, "the policy");
    for (JsonValue.Member m : top.members()) {
      if (UNSUPPORTED_SECTIONS.contains(m.key())) {
        ctx.fail(m.keyPos(), "'" + m.key() + "' is not supported by Trellis");
      } else if (!SECTIONS.contains(m.key())) {
        ctx.fail(m.keyPos(), "unknown key '" + m.key() + "'");
      }
    }
    top.member("groups").ifPresent(m -> definitions.groups(m.value()));
    top.member("hosts").ifPresent(m -> definitions.hosts(m.value()));
    top.member("tagOwners").ifPresent(m -> definitions.tagOwnerNames(m.value()));
    ctx.useSelectors(
        new SelectorParser(
            definitions.groups.keySet(), definitions.hosts, definitions.tagOwners.keySet()));
    top.member("tagOwners").ifPresent(m -> definitions.tagOwners(m.value()));
    top.member("acls").ifPresent(m -> each(m.value(), "acls", ACL_KEYS, rules::acl));
    top.member("grants").ifPresent(m -> each(m.value(), "grants", GRANT_KEYS, rules::grant));
    top.member("tests").ifPresent(m -> each(m.value(), "tests", TEST_KEYS, tests::test));
    top.member("autoApprovers").ifPresent(m -> autoApprovers.read(m.value()));
  }

  private interface EntryReader {
    void read(JsonValue.Obj entry, String where);
  }

  private void each(JsonValue section, String name, Map<String, String> keys, EntryReader reader) {
    if (!(section instanceof JsonValue.Arr arr)) {
      ctx.fail(section.pos(), "'" + name + "' must be an array, not " + section.kind());
      return;
    }
    for (int i = 0; i < arr.items().size(); i++) {
      JsonValue item = arr.items().get(i);
      String where = name + "[" + i + "]";
      if (item instanceof JsonValue.Obj o) {
        reader.read(KeySpelling.canonical(o, keys, ctx, where), where);
      } else {
        ctx.fail(item.pos(), where + " must be an object, not " + item.kind());
      }
    }
  }
}
