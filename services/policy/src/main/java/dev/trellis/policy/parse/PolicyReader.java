package dev.trellis.policy.parse;

import dev.trellis.policy.hujson.JsonValue;
import dev.trellis.policy.hujson.Position;
import dev.trellis.policy.model.IpPrefix;
import dev.trellis.policy.model.Policy;
import dev.trellis.policy.model.PolicyTest;
import dev.trellis.policy.model.PortRange;
import dev.trellis.policy.model.Problem;
import dev.trellis.policy.model.Protocols;
import dev.trellis.policy.model.Rule;
import dev.trellis.policy.model.Selector;
import dev.trellis.policy.model.Target;
import dev.trellis.policy.parse.SelectorParser.Place;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a HuJSON tree into a {@link Policy}, collecting every problem with its line and column:
 * unknown keys, Tailscale features Trellis does not support (named), undefined groups, tags and
 * hosts, tags without owners, malformed ports, CIDRs and protocols. Sections are read in dependency
 * order (groups, hosts, tagOwners, then acls, grants, tests) whatever their order in the text.
 *
 * <p>Thread-safety: single-use, confined to the calling thread.
 */
public final class PolicyReader {
  private static final Set<String> SECTIONS =
      Set.of("groups", "hosts", "tagOwners", "acls", "grants", "tests");
  private static final Set<String> UNSUPPORTED_SECTIONS =
      Set.of(
          "ssh",
          "sshTests",
          "nodeAttrs",
          "autoApprovers",
          "derpMap",
          "postures",
          "defaultSrcPosture",
          "ipsets",
          "disableIPv4",
          "randomizeClientPort",
          "OneCGNATRoute",
          "attrs");

  private final List<Problem> problems = new ArrayList<>();
  private final Map<String, Set<String>> groups = new LinkedHashMap<>();
  private final Map<String, IpPrefix> hosts = new LinkedHashMap<>();
  private final Map<String, List<Selector>> tagOwners = new LinkedHashMap<>();
  private final List<Rule> rules = new ArrayList<>();
  private final List<PolicyTest> tests = new ArrayList<>();
  private SelectorParser selectors;

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
    if (!r.problems.isEmpty()) {
      return new Result(Optional.empty(), r.problems);
    }
    return new Result(
        Optional.of(new Policy(r.groups, r.hosts, r.tagOwners, r.rules, r.tests)), List.of());
  }

  private void fail(Position pos, String message) {
    problems.add(new Problem(pos, Problem.INVALID, message));
  }

  private void document(JsonValue doc) {
    if (!(doc instanceof JsonValue.Obj top)) {
      fail(doc.pos(), "the policy must be an object, not " + doc.kind());
      return;
    }
    for (JsonValue.Member m : top.members()) {
      if (UNSUPPORTED_SECTIONS.contains(m.key())) {
        fail(m.keyPos(), "'" + m.key() + "' is not supported by Trellis");
      } else if (!SECTIONS.contains(m.key())) {
        fail(m.keyPos(), "unknown key '" + m.key() + "'");
      }
    }
    top.member("groups").ifPresent(m -> groups(m.value()));
    top.member("hosts").ifPresent(m -> hosts(m.value()));
    top.member("tagOwners").ifPresent(m -> tagOwnerNames(m.value()));
    selectors = new SelectorParser(groups.keySet(), hosts, tagOwners.keySet());
    top.member("tagOwners").ifPresent(m -> tagOwners(m.value()));
    top.member("acls").ifPresent(m -> each(m.value(), "acls", this::acl));
    top.member("grants").ifPresent(m -> each(m.value(), "grants", this::grant));
    top.member("tests").ifPresent(m -> each(m.value(), "tests", this::test));
  }

  private interface EntryReader {
    void read(JsonValue.Obj entry, String where);
  }

  private void each(JsonValue section, String name, EntryReader reader) {
    if (!(section instanceof JsonValue.Arr arr)) {
      fail(section.pos(), "'" + name + "' must be an array, not " + section.kind());
      return;
    }
    for (int i = 0; i < arr.items().size(); i++) {
      JsonValue item = arr.items().get(i);
      String where = name + "[" + i + "]";
      if (item instanceof JsonValue.Obj o) {
        reader.read(o, where);
      } else {
        fail(item.pos(), where + " must be an object, not " + item.kind());
      }
    }
  }

  private JsonValue.Obj object(JsonValue v, String where) {
    if (v instanceof JsonValue.Obj o) {
      return o;
    }
    fail(v.pos(), "'" + where + "' must be an object, not " + v.kind());
    return null;
  }

  /** The strings of an array; problems for non-strings; null if not an array. */
  private List<JsonValue.Str> strings(JsonValue v, String where) {
    if (!(v instanceof JsonValue.Arr arr)) {
      fail(v.pos(), where + " must be an array of strings, not " + v.kind());
      return null;
    }
    List<JsonValue.Str> out = new ArrayList<>();
    for (JsonValue item : arr.items()) {
      if (item instanceof JsonValue.Str s) {
        out.add(s);
      } else {
        fail(item.pos(), where + " entries must be strings, not " + item.kind());
      }
    }
    return out;
  }

  /** Checks an entry's keys; returns false if a required key is missing. */
  private boolean keys(
      JsonValue.Obj o,
      String where,
      Set<String> allowed,
      Set<String> required,
      Map<String, String> refused) {
    for (JsonValue.Member m : o.members()) {
      String why = refused.get(m.key());
      if (why != null) {
        fail(m.keyPos(), "'" + m.key() + "' in " + where + ": " + why);
      } else if (!allowed.contains(m.key())) {
        fail(m.keyPos(), "unknown key '" + m.key() + "' in " + where);
      }
    }
    boolean ok = true;
    for (String k : required) {
      if (o.member(k).isEmpty()) {
        fail(o.pos(), where + " is missing '" + k + "'");
        ok = false;
      }
    }
    return ok;
  }

  private void groups(JsonValue v) {
    JsonValue.Obj o = object(v, "groups");
    if (o == null) {
      return;
    }
    for (JsonValue.Member m : o.members()) {
      if (!SelectorParser.validName("group:", m.key())) {
        fail(m.keyPos(), "group names look like 'group:name', not '" + m.key() + "'");
        continue;
      }
      Set<String> members = new LinkedHashSet<>();
      List<JsonValue.Str> list = strings(m.value(), m.key());
      if (list != null) {
        for (JsonValue.Str s : list) {
          String e = s.value();
          if (e.startsWith("group:")) {
            fail(s.pos(), "groups cannot contain other groups ('" + e + "' in " + m.key() + ")");
          } else if (e.indexOf('@') <= 0 || e.contains(":")) {
            fail(s.pos(), "group members are user logins (emails), not '" + e + "'");
          } else {
            members.add(e);
          }
        }
      }
      groups.put(m.key(), members);
    }
  }

  private void hosts(JsonValue v) {
    JsonValue.Obj o = object(v, "hosts");
    if (o == null) {
      return;
    }
    for (JsonValue.Member m : o.members()) {
      String alias = m.key();
      if (!alias.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || IpPrefix.parse(alias).isPresent()) {
        fail(m.keyPos(), "malformed host alias '" + alias + "'");
        continue;
      }
      if (!(m.value() instanceof JsonValue.Str s)) {
        fail(m.value().pos(), "host '" + alias + "' must be an IP or CIDR string");
        continue;
      }
      try {
        Optional<IpPrefix> p = IpPrefix.parse(s.value());
        if (p.isEmpty()) {
          fail(s.pos(), "host '" + alias + "': '" + s.value() + "' is not an IP or CIDR");
        } else {
          hosts.put(alias, p.get());
        }
      } catch (IllegalArgumentException e) {
        fail(s.pos(), "host '" + alias + "': " + e.getMessage());
      } catch (RuntimeException e) {
        // IpPrefix.parse only throws IllegalArgumentException; keep the reader total anyway.
        fail(s.pos(), "host '" + alias + "': malformed address");
      }
    }
  }

  private void tagOwnerNames(JsonValue v) {
    JsonValue.Obj o = object(v, "tagOwners");
    if (o == null) {
      return;
    }
    for (JsonValue.Member m : o.members()) {
      if (SelectorParser.validName("tag:", m.key())) {
        tagOwners.put(m.key(), List.of());
      } else {
        fail(m.keyPos(), "tag names look like 'tag:name', not '" + m.key() + "'");
      }
    }
  }

  private void tagOwners(JsonValue v) {
    if (!(v instanceof JsonValue.Obj o)) {
      return;
    }
    for (JsonValue.Member m : o.members()) {
      if (!tagOwners.containsKey(m.key())) {
        continue;
      }
      List<JsonValue.Str> list = strings(m.value(), m.key());
      List<Selector> owners = new ArrayList<>();
      if (list != null) {
        for (JsonValue.Str s : list) {
          selector(s, Place.TAG_OWNER, "tagOwners[" + m.key() + "]").ifPresent(owners::add);
        }
      }
      tagOwners.put(m.key(), owners);
    }
  }

  private Optional<Selector> selector(JsonValue.Str s, Place place, String where) {
    try {
      return Optional.of(selectors.parse(s.value(), place));
    } catch (IllegalArgumentException e) {
      fail(s.pos(), e.getMessage() + " in " + where);
      return Optional.empty();
    }
  }

  private List<Selector> sources(JsonValue.Obj o, String where) {
    List<Selector> src = new ArrayList<>();
    List<JsonValue.Str> list = strings(o.member("src").orElseThrow().value(), where + ".src");
    if (list != null) {
      if (list.isEmpty()) {
        fail(o.member("src").get().value().pos(), where + ".src is empty");
      }
      for (JsonValue.Str s : list) {
        selector(s, Place.SRC, where + ".src").ifPresent(src::add);
      }
    }
    return src;
  }

  private Set<Integer> protocol(JsonValue v, String where) {
    String text =
        switch (v) {
          case JsonValue.Str s -> s.value();
          case JsonValue.Num n -> n.text();
          default -> null;
        };
    Optional<Set<Integer>> p = text == null ? Optional.empty() : Protocols.parse(text);
    if (p.isEmpty()) {
      fail(v.pos(), "unknown protocol " + (text == null ? v.kind() : "'" + text + "'") + where);
      return Set.of();
    }
    return p.get();
  }

  private void acl(JsonValue.Obj o, String where) {
    if (!keys(
        o,
        where,
        Set.of("action", "src", "dst", "proto"),
        Set.of("action", "src", "dst"),
        Map.of(
            "users", "legacy key, use 'src'",
            "ports", "legacy key, use 'dst'",
            "srcPosture", "device posture is not supported by Trellis"))) {
      return;
    }
    JsonValue action = o.member("action").get().value();
    if (!(action instanceof JsonValue.Str a && a.value().equals("accept"))) {
      fail(action.pos(), where + ".action must be \"accept\" (rules only allow)");
    }
    List<Selector> src = sources(o, where);
    Set<Integer> protos =
        o.member("proto").map(m -> protocol(m.value(), " in " + where)).orElse(Set.of());
    List<Target> dst = new ArrayList<>();
    List<JsonValue.Str> list = strings(o.member("dst").get().value(), where + ".dst");
    if (list != null) {
      if (list.isEmpty()) {
        fail(o.member("dst").get().value().pos(), where + ".dst is empty");
      }
      for (JsonValue.Str s : list) {
        aclTarget(s, protos, where).ifPresent(dst::add);
      }
    }
    rules.add(new Rule(src, dst, protos, where, o.pos()));
  }

  private Optional<Target> aclTarget(JsonValue.Str s, Set<Integer> protos, String where) {
    String text = s.value();
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      fail(
          s.pos(),
          "destination '" + text + "' in " + where + " needs ports, e.g. '" + text + ":*'");
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    List<PortRange> ports;
    try {
      ports = PortParser.parse(text.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      fail(s.pos(), e.getMessage() + " in " + where + ".dst");
      return Optional.empty();
    }
    if (!protos.isEmpty()
        && !Protocols.allHavePorts(protos)
        && !ports.equals(List.of(PortRange.ALL))) {
      fail(s.pos(), "ports in '" + text + "' need proto tcp, udp or sctp (" + where + ")");
      return Optional.empty();
    }
    return selector(new JsonValue.Str(host, s.pos()), Place.DST, where + ".dst")
        .map(sel -> new Target(sel, ports));
  }

  private void grant(JsonValue.Obj o, String where) {
    if (!keys(
        o,
        where,
        Set.of("src", "dst", "ip"),
        Set.of("src", "dst", "ip"),
        Map.of(
            "app", "application capabilities are not supported by Trellis",
            "via", "routing via subnet routers is not supported by Trellis",
            "srcPosture", "device posture is not supported by Trellis"))) {
      return;
    }
    List<Selector> src = sources(o, where);
    List<Selector> dst = new ArrayList<>();
    List<JsonValue.Str> list = strings(o.member("dst").get().value(), where + ".dst");
    if (list != null) {
      if (list.isEmpty()) {
        fail(o.member("dst").get().value().pos(), where + ".dst is empty");
      }
      for (JsonValue.Str s : list) {
        selector(s, Place.DST, where + ".dst").ifPresent(dst::add);
      }
    }
    Map<Set<Integer>, List<PortRange>> byProto = new LinkedHashMap<>();
    List<JsonValue.Str> ips = strings(o.member("ip").get().value(), where + ".ip");
    if (ips != null) {
      if (ips.isEmpty()) {
        fail(o.member("ip").get().value().pos(), where + ".ip is empty");
      }
      for (JsonValue.Str s : ips) {
        grantIp(s, where, byProto);
      }
    }
    for (var e : byProto.entrySet()) {
      List<Target> targets = new ArrayList<>();
      for (Selector d : dst) {
        targets.add(new Target(d, e.getValue()));
      }
      rules.add(new Rule(src, targets, e.getKey(), where, o.pos()));
    }
  }

  private void grantIp(JsonValue.Str s, String where, Map<Set<Integer>, List<PortRange>> out) {
    String text = s.value();
    String proto;
    String ports;
    int colon = text.indexOf(':');
    if (colon >= 0) {
      proto = text.substring(0, colon);
      ports = text.substring(colon + 1);
    } else if (text.equals("*") || (!text.isEmpty() && Character.isDigit(text.charAt(0)))) {
      proto = null;
      ports = text;
    } else {
      proto = text;
      ports = "*";
    }
    Set<Integer> protos = Set.of();
    if (proto != null) {
      Optional<Set<Integer>> p = Protocols.parse(proto);
      if (p.isEmpty()) {
        fail(s.pos(), "unknown protocol '" + proto + "' in " + where + ".ip");
        return;
      }
      protos = p.get();
    }
    List<PortRange> ranges;
    try {
      ranges = PortParser.parse(ports);
    } catch (IllegalArgumentException e) {
      fail(s.pos(), e.getMessage() + " in " + where + ".ip");
      return;
    }
    if (!protos.isEmpty()
        && !Protocols.allHavePorts(protos)
        && !ranges.equals(List.of(PortRange.ALL))) {
      fail(s.pos(), "ports in '" + text + "' need tcp, udp or sctp (" + where + ".ip)");
      return;
    }
    out.computeIfAbsent(protos, k -> new ArrayList<>()).addAll(ranges);
  }

  private void test(JsonValue.Obj o, String where) {
    if (!keys(
        o,
        where,
        Set.of("src", "proto", "accept", "deny"),
        Set.of("src"),
        Map.of("srcPostureAttrs", "device posture is not supported by Trellis"))) {
      return;
    }
    JsonValue srcValue = o.member("src").get().value();
    if (!(srcValue instanceof JsonValue.Str srcText)) {
      fail(srcValue.pos(), where + ".src must be a string");
      return;
    }
    Optional<Selector> src = selector(srcText, Place.TEST_SRC, where + ".src");
    Set<Integer> protos =
        o.member("proto")
            .map(m -> protocol(m.value(), " in " + where))
            .orElse(Set.of(Protocols.TCP));
    List<PolicyTest.Assertion> accept = assertions(o, "accept", where);
    List<PolicyTest.Assertion> deny = assertions(o, "deny", where);
    src.ifPresent(s -> tests.add(new PolicyTest(s, protos, accept, deny, where)));
  }

  private List<PolicyTest.Assertion> assertions(JsonValue.Obj o, String key, String where) {
    List<PolicyTest.Assertion> out = new ArrayList<>();
    Optional<JsonValue.Member> m = o.member(key);
    if (m.isEmpty()) {
      return out;
    }
    List<JsonValue.Str> list = strings(m.get().value(), where + "." + key);
    if (list == null) {
      return out;
    }
    for (JsonValue.Str s : list) {
      String text = s.value();
      int colon = text.lastIndexOf(':');
      String portText = colon < 0 ? "" : text.substring(colon + 1);
      if (colon < 0 || portText.isEmpty() || !portText.chars().allMatch(Character::isDigit)) {
        fail(s.pos(), "test destination '" + text + "' in " + where + " needs one port, e.g. :22");
        continue;
      }
      if (portText.length() > 5 || Integer.parseInt(portText) > 65535) {
        fail(s.pos(), "port " + portText + " is above 65535 in " + where);
        continue;
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port = Integer.parseInt(portText);
      selector(new JsonValue.Str(host, s.pos()), Place.TEST_DST, where + "." + key)
          .ifPresent(d -> out.add(new PolicyTest.Assertion(d, port, text, s.pos())));
    }
    return out;
  }
}
