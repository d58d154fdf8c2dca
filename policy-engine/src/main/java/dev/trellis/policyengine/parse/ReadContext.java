package dev.trellis.policyengine.parse;

import dev.trellis.policyengine.hujson.JsonValue;
import dev.trellis.policyengine.hujson.Position;
import dev.trellis.policyengine.model.Problem;
import dev.trellis.policyengine.model.Protocols;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.policyengine.parse.SelectorParser.Place;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the section readers share while reading one document: the problems found so far (each at its
 * line and column) and the checks every entry needs — an object, an array of strings, the allowed
 * and required keys, a selector whose names are defined.
 *
 * <p>Thread-safety: single-use, confined to the reading thread.
 */
final class ReadContext {
  private final List<Problem> problems = new ArrayList<>();
  private SelectorParser selectors;

  /** Problems found so far, in the order found. */
  List<Problem> problems() {
    return problems;
  }

  /** Sets the selector parser once the definitions (groups, hosts, tag owners) are read. */
  void useSelectors(SelectorParser parser) {
    this.selectors = parser;
  }

  void fail(Position pos, String message) {
    problems.add(new Problem(pos, Problem.INVALID, message));
  }

  JsonValue.Obj object(JsonValue v, String where) {
    if (v instanceof JsonValue.Obj o) {
      return o;
    }
    fail(v.pos(), "'" + where + "' must be an object, not " + v.kind());
    return null;
  }

  /** The strings of an array; problems for non-strings; null if not an array. */
  List<JsonValue.Str> strings(JsonValue v, String where) {
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
  boolean keys(
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

  Optional<Selector> selector(JsonValue.Str s, Place place, String where) {
    try {
      return Optional.of(selectors.parse(s.value(), place));
    } catch (IllegalArgumentException e) {
      fail(s.pos(), e.getMessage() + " in " + where);
      return Optional.empty();
    }
  }

  List<Selector> sources(JsonValue.Obj o, String where) {
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

  Set<Integer> protocol(JsonValue v, String where) {
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
}
