package dev.trellis.policyengine.parse;

import dev.trellis.policyengine.hujson.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Puts the keys of a policy object into their canonical spelling before it is read, so that
 * policies written for Tailscale load unchanged: keys match without regard to case (as Go's JSON
 * decoder matches them: {@code "ACLs"}, {@code "Action"}, {@code "Src"}), and legacy names map to
 * today's ({@code "users"} to {@code "src"}, {@code "ports"} to {@code "dst"}). A key written two
 * ways in one object is a problem.
 *
 * <p>Thread-safety: stateless.
 */
final class KeySpelling {
  private KeySpelling() {}

  /**
   * The object with known keys renamed.
   *
   * @param canonical lower-cased spelling to canonical key (include each canonical key itself)
   */
  static JsonValue.Obj canonical(
      JsonValue.Obj o, Map<String, String> canonical, ReadContext ctx, String where) {
    List<JsonValue.Member> out = new ArrayList<>();
    Map<String, JsonValue.Member> seen = new java.util.HashMap<>();
    for (JsonValue.Member m : o.members()) {
      String key = canonical.getOrDefault(m.key().toLowerCase(Locale.ROOT), m.key());
      JsonValue.Member renamed = new JsonValue.Member(key, m.keyPos(), m.value());
      JsonValue.Member before = seen.putIfAbsent(key, renamed);
      if (before != null) {
        ctx.fail(
            m.keyPos(),
            "'" + key + "' is given twice in " + where + " (also at " + before.keyPos() + ")");
        continue;
      }
      out.add(renamed);
    }
    return new JsonValue.Obj(out, o.pos());
  }

  /** A spelling map where each key is only itself, ignoring case. */
  static Map<String, String> of(java.util.Collection<String> keys) {
    Map<String, String> m = new java.util.HashMap<>();
    for (String k : keys) {
      m.put(k.toLowerCase(Locale.ROOT), k);
    }
    return m;
  }
}
