package dev.trellis.policyengine.parse;

import dev.trellis.policyengine.model.Selector;
import dev.trellis.proto.net.IpPrefix;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns selector text into a {@link Selector}, checking that every group, tag and host alias it
 * names is defined. Problems come back as {@link IllegalArgumentException} messages for the caller
 * to place at a line and column.
 *
 * <p>Thread-safety: immutable after construction.
 */
final class SelectorParser {
  /** Where a selector appears; decides which kinds are allowed. */
  enum Place {
    SRC,
    DST,
    TAG_OWNER,
    AUTO_APPROVER,
    TEST_SRC,
    TEST_DST
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Set<String> UNSUPPORTED_PREFIXES = Set.of("ipset:", "svc:", "autogroup:");

  private final Set<String> groups;
  private final Map<String, IpPrefix> hosts;
  private final Set<String> tags;

  SelectorParser(Set<String> groups, Map<String, IpPrefix> hosts, Set<String> tags) {
    this.groups = groups;
    this.hosts = hosts;
    this.tags = tags;
  }

  /** Whether text is a well-formed "kind:name" for groups and tags. */
  static boolean validName(String prefix, String text) {
    return text.startsWith(prefix) && NAME.matcher(text.substring(prefix.length())).matches();
  }

  Selector parse(String text, Place place) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty selector");
    }
    if (text.equals("*")) {
      if (place == Place.TAG_OWNER
          || place == Place.AUTO_APPROVER
          || place == Place.TEST_SRC
          || place == Place.TEST_DST) {
        throw new IllegalArgumentException("'*' is not allowed here");
      }
      return new Selector.Any();
    }
    if (text.startsWith("autogroup:")) {
      return autogroup(text, place);
    }
    if (text.startsWith("group:")) {
      if (place == Place.TEST_SRC || place == Place.TEST_DST) {
        throw new IllegalArgumentException("tests name a user, tag, host or IP, not " + text);
      }
      if (!groups.contains(text)) {
        throw new IllegalArgumentException("undefined group '" + text + "' (not in groups)");
      }
      return new Selector.Group(text);
    }
    if (text.startsWith("tag:")) {
      if (!validName("tag:", text)) {
        throw new IllegalArgumentException("malformed tag '" + text + "'");
      }
      if (!tags.contains(text)) {
        throw new IllegalArgumentException("tag '" + text + "' has no owner (not in tagOwners)");
      }
      return new Selector.Tag(text);
    }
    for (String p : UNSUPPORTED_PREFIXES) {
      if (text.startsWith(p)) {
        throw new IllegalArgumentException("unsupported selector '" + text + "'");
      }
    }
    if (text.indexOf('@') >= 0) {
      int at = text.indexOf('@');
      if (at == 0 || text.indexOf('@', at + 1) >= 0 || text.chars().anyMatch(c -> c <= ' ')) {
        throw new IllegalArgumentException("malformed user '" + text + "'");
      }
      return new Selector.User(text);
    }
    if (place == Place.TAG_OWNER) {
      throw new IllegalArgumentException(
          "tag owners are users, groups, tags or autogroup:admin/member, not '" + text + "'");
    }
    if (place == Place.AUTO_APPROVER) {
      throw new IllegalArgumentException(
          "auto-approvers are users, groups, tags or autogroups, not '" + text + "'");
    }
    if (IpPrefix.looksLikePrefix(text)) {
      return new Selector.Ip(IpPrefix.parse(text));
    }
    IpPrefix host = hosts.get(text);
    if (host != null) {
      return new Selector.Host(text, host);
    }
    throw new IllegalArgumentException("undefined host '" + text + "' (not in hosts)");
  }

  private Selector autogroup(String text, Place place) {
    if (place == Place.TEST_SRC || place == Place.TEST_DST) {
      throw new IllegalArgumentException("tests name a user, tag, host or IP, not " + text);
    }
    return switch (text) {
      case "autogroup:member" -> new Selector.Member();
      case "autogroup:tagged" -> {
        if (place == Place.TAG_OWNER) {
          throw new IllegalArgumentException("autogroup:tagged cannot own tags");
        }
        yield new Selector.Tagged();
      }
      case "autogroup:admin" -> new Selector.Admin();
      case "autogroup:self" -> {
        if (place != Place.DST) {
          throw new IllegalArgumentException("autogroup:self is only allowed as a destination");
        }
        yield new Selector.Self();
      }
      case "autogroup:internet" -> {
        if (place != Place.DST) {
          throw new IllegalArgumentException("autogroup:internet is only allowed as a destination");
        }
        yield new Selector.Internet();
      }
      default -> throw new IllegalArgumentException("unsupported autogroup '" + text + "'");
    };
  }
}
