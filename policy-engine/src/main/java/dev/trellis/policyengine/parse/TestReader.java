package dev.trellis.policyengine.parse;

import dev.trellis.policyengine.hujson.JsonValue;
import dev.trellis.policyengine.model.PolicyAssertion;
import dev.trellis.policyengine.model.Protocols;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.policyengine.parse.SelectorParser.Place;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code tests} entries: a subject ({@code src}), an optional protocol (TCP by default) and
 * "target:port" assertions that must be accepted or denied.
 *
 * <p>Thread-safety: single-use, confined to the reading thread.
 */
final class TestReader {
  private final ReadContext ctx;
  final List<PolicyAssertion> tests = new ArrayList<>();

  TestReader(ReadContext ctx) {
    this.ctx = ctx;
  }

  void test(JsonValue.Obj o, String where) {
    if (!ctx.keys(
        o,
        where,
        Set.of("src", "proto", "accept", "deny"),
        Set.of("src"),
        Map.of("srcPostureAttrs", "device posture is not supported by Trellis"))) {
      return;
    }
    JsonValue srcValue = o.member("src").get().value();
    if (!(srcValue instanceof JsonValue.Str srcText)) {
      ctx.fail(srcValue.pos(), where + ".src must be a string");
      return;
    }
    Optional<Selector> src = ctx.selector(srcText, Place.TEST_SRC, where + ".src");
    Set<Integer> protos =
        o.member("proto")
            .map(m -> ctx.protocol(m.value(), " in " + where))
            .orElse(Set.of(Protocols.TCP));
    List<PolicyAssertion.Assertion> accept = assertions(o, "accept", where);
    List<PolicyAssertion.Assertion> deny = assertions(o, "deny", where);
    src.ifPresent(s -> tests.add(new PolicyAssertion(s, protos, accept, deny, where)));
  }

  List<PolicyAssertion.Assertion> assertions(JsonValue.Obj o, String key, String where) {
    List<PolicyAssertion.Assertion> out = new ArrayList<>();
    Optional<JsonValue.Member> m = o.member(key);
    if (m.isEmpty()) {
      return out;
    }
    List<JsonValue.Str> list = ctx.strings(m.get().value(), where + "." + key);
    if (list == null) {
      return out;
    }
    for (JsonValue.Str s : list) {
      String text = s.value();
      int colon = text.lastIndexOf(':');
      String portText = colon < 0 ? "" : text.substring(colon + 1);
      if (colon < 0 || portText.isEmpty() || !portText.chars().allMatch(Character::isDigit)) {
        ctx.fail(
            s.pos(), "test destination '" + text + "' in " + where + " needs one port, e.g. :22");
        continue;
      }
      if (portText.length() > 5 || Integer.parseInt(portText) > 65535) {
        ctx.fail(s.pos(), "port " + portText + " is above 65535 in " + where);
        continue;
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port = Integer.parseInt(portText);
      ctx.selector(new JsonValue.Str(host, s.pos()), Place.TEST_DST, where + "." + key)
          .ifPresent(d -> out.add(new PolicyAssertion.Assertion(d, port, text, s.pos())));
    }
    return out;
  }
}
