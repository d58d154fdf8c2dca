package dev.trellis.policyengine.parse;

import dev.trellis.policyengine.hujson.JsonValue;
import dev.trellis.policyengine.model.AutoApprovers;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.policyengine.parse.SelectorParser.Place;
import dev.trellis.proto.net.AdvertisedRoutes;
import dev.trellis.proto.net.IpPrefix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code autoApprovers} in Tailscale's format: {@code {"routes": {"10.0.0.0/8": ["group:eng",
 * "tag:router"]}, "exitNode": ["tag:exit"]}}. A route key is checked as a subnet route ({@link
 * AdvertisedRoutes#subnet}: canonical, not a default route, outside the tailnet's ranges); the
 * selectors are users, groups, tags or autogroups whose names are defined.
 *
 * <p>Thread-safety: single-use, confined to the reading thread.
 */
final class AutoApproversReader {
  private static final Map<String, String> KEYS = KeySpelling.of(Set.of("routes", "exitNode"));

  private final ReadContext ctx;
  AutoApprovers approvers = AutoApprovers.NONE;

  AutoApproversReader(ReadContext ctx) {
    this.ctx = ctx;
  }

  void read(JsonValue v) {
    JsonValue.Obj raw = ctx.object(v, "autoApprovers");
    if (raw == null) {
      return;
    }
    JsonValue.Obj o = KeySpelling.canonical(raw, KEYS, ctx, "autoApprovers");
    for (JsonValue.Member m : o.members()) {
      if (!KEYS.containsValue(m.key())) {
        ctx.fail(m.keyPos(), "unknown key '" + m.key() + "' in autoApprovers");
      }
    }
    Map<IpPrefix, List<Selector>> routes = new LinkedHashMap<>();
    o.member("routes").ifPresent(m -> routes(m.value(), routes));
    List<Selector> exit =
        o.member("exitNode")
            .map(m -> selectors(m.value(), "autoApprovers.exitNode"))
            .orElse(List.of());
    approvers = new AutoApprovers(routes, exit);
  }

  private void routes(JsonValue v, Map<IpPrefix, List<Selector>> out) {
    JsonValue.Obj o = ctx.object(v, "autoApprovers.routes");
    if (o == null) {
      return;
    }
    for (JsonValue.Member m : o.members()) {
      IpPrefix p;
      try {
        p = AdvertisedRoutes.subnet(m.key());
      } catch (IllegalArgumentException e) {
        String hint =
            e.getMessage().contains("default route") ? " (exit nodes go in 'exitNode')" : "";
        ctx.fail(m.keyPos(), e.getMessage() + " in autoApprovers.routes" + hint);
        continue;
      }
      List<Selector> sel = selectors(m.value(), "autoApprovers.routes[" + p + "]");
      if (out.containsKey(p)) {
        ctx.fail(m.keyPos(), "route " + p + " is listed twice in autoApprovers.routes");
        continue;
      }
      out.put(p, sel);
    }
  }

  private List<Selector> selectors(JsonValue v, String where) {
    List<Selector> out = new ArrayList<>();
    List<JsonValue.Str> list = ctx.strings(v, where);
    if (list != null) {
      for (JsonValue.Str s : list) {
        ctx.selector(s, Place.AUTO_APPROVER, where).ifPresent(out::add);
      }
    }
    return out;
  }
}
