package dev.trellis.policyengine.parse;

import dev.trellis.policyengine.hujson.JsonValue;
import dev.trellis.policyengine.model.PortRange;
import dev.trellis.policyengine.model.Protocols;
import dev.trellis.policyengine.model.Rule;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.policyengine.model.Target;
import dev.trellis.policyengine.parse.SelectorParser.Place;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code acls} and {@code grants} entries into normalized {@link Rule}s: an acl is one rule;
 * a grant becomes one rule per distinct protocol set of its {@code ip} list, so that "tcp:443" and
 * "udp:53" do not allow tcp 53.
 *
 * <p>Thread-safety: single-use, confined to the reading thread.
 */
final class RuleReader {
  private final ReadContext ctx;
  final List<Rule> rules = new ArrayList<>();

  RuleReader(ReadContext ctx) {
    this.ctx = ctx;
  }

  void acl(JsonValue.Obj o, String where) {
    if (!ctx.keys(
        o,
        where,
        Set.of("action", "src", "dst", "proto"),
        Set.of("action", "src", "dst"),
        Map.of("srcPosture", "device posture is not supported by Trellis"))) {
      return;
    }
    JsonValue action = o.member("action").get().value();
    if (!(action instanceof JsonValue.Str a && a.value().equals("accept"))) {
      ctx.fail(action.pos(), where + ".action must be \"accept\" (rules only allow)");
    }
    List<Selector> src = ctx.sources(o, where);
    Set<Integer> protos =
        o.member("proto").map(m -> ctx.protocol(m.value(), " in " + where)).orElse(Set.of());
    List<Target> dst = new ArrayList<>();
    List<JsonValue.Str> list = ctx.strings(o.member("dst").get().value(), where + ".dst");
    if (list != null) {
      if (list.isEmpty()) {
        ctx.fail(o.member("dst").get().value().pos(), where + ".dst is empty");
      }
      for (JsonValue.Str s : list) {
        aclTarget(s, protos, where).ifPresent(dst::add);
      }
    }
    rules.add(new Rule(src, dst, protos, where, o.pos()));
  }

  Optional<Target> aclTarget(JsonValue.Str s, Set<Integer> protos, String where) {
    String text = s.value();
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      ctx.fail(
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
      ctx.fail(s.pos(), e.getMessage() + " in " + where + ".dst");
      return Optional.empty();
    }
    if (!protos.isEmpty()
        && !Protocols.allHavePorts(protos)
        && !ports.equals(List.of(PortRange.ALL))) {
      ctx.fail(s.pos(), "ports in '" + text + "' need proto tcp, udp or sctp (" + where + ")");
      return Optional.empty();
    }
    return ctx.selector(new JsonValue.Str(host, s.pos()), Place.DST, where + ".dst")
        .map(sel -> new Target(sel, ports));
  }

  void grant(JsonValue.Obj o, String where) {
    if (!ctx.keys(
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
    List<Selector> src = ctx.sources(o, where);
    List<Selector> dst = new ArrayList<>();
    List<JsonValue.Str> list = ctx.strings(o.member("dst").get().value(), where + ".dst");
    if (list != null) {
      if (list.isEmpty()) {
        ctx.fail(o.member("dst").get().value().pos(), where + ".dst is empty");
      }
      for (JsonValue.Str s : list) {
        ctx.selector(s, Place.DST, where + ".dst").ifPresent(dst::add);
      }
    }
    Map<Set<Integer>, List<PortRange>> byProto = new LinkedHashMap<>();
    List<JsonValue.Str> ips = ctx.strings(o.member("ip").get().value(), where + ".ip");
    if (ips != null) {
      if (ips.isEmpty()) {
        ctx.fail(o.member("ip").get().value().pos(), where + ".ip is empty");
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

  void grantIp(JsonValue.Str s, String where, Map<Set<Integer>, List<PortRange>> out) {
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
        ctx.fail(s.pos(), "unknown protocol '" + proto + "' in " + where + ".ip");
        return;
      }
      protos = p.get();
    }
    List<PortRange> ranges;
    try {
      ranges = PortParser.parse(ports);
    } catch (IllegalArgumentException e) {
      ctx.fail(s.pos(), e.getMessage() + " in " + where + ".ip");
      return;
    }
    if (!protos.isEmpty()
        && !Protocols.allHavePorts(protos)
        && !ranges.equals(List.of(PortRange.ALL))) {
      ctx.fail(s.pos(), "ports in '" + text + "' need tcp, udp or sctp (" + where + ".ip)");
      return;
    }
    out.computeIfAbsent(protos, k -> new ArrayList<>()).addAll(ranges);
  }
}
