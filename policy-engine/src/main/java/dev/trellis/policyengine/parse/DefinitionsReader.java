package dev.trellis.policyengine.parse;

import dev.trellis.policyengine.hujson.JsonValue;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.policyengine.parse.SelectorParser.Place;
import dev.trellis.proto.net.IpPrefix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the sections that define names — {@code groups}, {@code hosts} and {@code tagOwners} —
 * which every rule and test is checked against. Tag names are read first ({@link #tagOwnerNames})
 * so that tags may own tags.
 *
 * <p>Thread-safety: single-use, confined to the reading thread.
 */
final class DefinitionsReader {
  private final ReadContext ctx;
  final Map<String, Set<String>> groups = new LinkedHashMap<>();
  final Map<String, IpPrefix> hosts = new LinkedHashMap<>();
  final Map<String, List<Selector>> tagOwners = new LinkedHashMap<>();

  DefinitionsReader(ReadContext ctx) {
    this.ctx = ctx;
  }

  void groups(JsonValue v) {
    JsonValue.Obj o = ctx.object(v, "groups");
    if (o == null) {
      return;
    }
    for (JsonValue.Member m : o.members()) {
      if (!SelectorParser.validName("group:", m.key())) {
        ctx.fail(m.keyPos(), "group names look like 'group:name', not '" + m.key() + "'");
        continue;
      }
      Set<String> members = new LinkedHashSet<>();
      List<JsonValue.Str> list = ctx.strings(m.value(), m.key());
      if (list != null) {
        for (JsonValue.Str s : list) {
          String e = s.value();
          if (e.startsWith("group:")) {
            ctx.fail(
                s.pos(), "groups cannot contain other groups ('" + e + "' in " + m.key() + ")");
          } else if (e.indexOf('@') <= 0 || e.contains(":")) {
            ctx.fail(s.pos(), "group members are user logins (emails), not '" + e + "'");
          } else {
            members.add(e);
          }
        }
      }
      groups.put(m.key(), members);
    }
  }

  void hosts(JsonValue v) {
    JsonValue.Obj o = ctx.object(v, "hosts");
    if (o == null) {
      return;
    }
    for (JsonValue.Member m : o.members()) {
      String alias = m.key();
      if (!alias.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || IpPrefix.looksLikePrefix(alias)) {
        ctx.fail(m.keyPos(), "malformed host alias '" + alias + "'");
        continue;
      }
      if (!(m.value() instanceof JsonValue.Str s)) {
        ctx.fail(m.value().pos(), "host '" + alias + "' must be an IP or CIDR string");
        continue;
      }
      try {
        if (!IpPrefix.looksLikePrefix(s.value())) {
          ctx.fail(s.pos(), "host '" + alias + "': '" + s.value() + "' is not an IP or CIDR");
        } else {
          hosts.put(alias, IpPrefix.parse(s.value()));
        }
      } catch (IllegalArgumentException e) {
        ctx.fail(s.pos(), "host '" + alias + "': " + e.getMessage());
      } catch (RuntimeException e) {
        // IpPrefix.parse only throws IllegalArgumentException; keep the reader total anyway.
        ctx.fail(s.pos(), "host '" + alias + "': malformed address");
      }
    }
  }

  void tagOwnerNames(JsonValue v) {
    JsonValue.Obj o = ctx.object(v, "tagOwners");
    if (o == null) {
      return;
    }
    for (JsonValue.Member m : o.members()) {
      if (SelectorParser.validName("tag:", m.key())) {
        tagOwners.put(m.key(), List.of());
      } else {
        ctx.fail(m.keyPos(), "tag names look like 'tag:name', not '" + m.key() + "'");
      }
    }
  }

  void tagOwners(JsonValue v) {
    if (!(v instanceof JsonValue.Obj o)) {
      return;
    }
    for (JsonValue.Member m : o.members()) {
      if (!tagOwners.containsKey(m.key())) {
        continue;
      }
      List<JsonValue.Str> list = ctx.strings(m.value(), m.key());
      List<Selector> owners = new ArrayList<>();
      if (list != null) {
        for (JsonValue.Str s : list) {
          ctx.selector(s, Place.TAG_OWNER, "tagOwners[" + m.key() + "]").ifPresent(owners::add);
        }
      }
      tagOwners.put(m.key(), owners);
    }
  }
}
