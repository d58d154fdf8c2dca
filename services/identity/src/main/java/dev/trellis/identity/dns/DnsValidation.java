package dev.trellis.identity.dns;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.DnsExtraRecord;
import dev.trellis.proto.event.v1.DnsResolverList;
import dev.trellis.proto.event.v1.DnsSettings;
import dev.trellis.runtime.http.ApiException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns a {@link DnsRequest} into the next {@link DnsSettings}: applies the given fields to the
 * current settings, normalises them (lower case, no trailing dot, routes sorted by domain) and
 * checks the whole result, refusing anything bad with {@code VALIDATION_FAILED} naming the field
 * ({@code suffix}, {@code nameservers[1]}, {@code routes["corp.example"][0]}, {@code
 * extraRecords[2].value}).
 *
 * <p>Rules. Domains: 1-253 characters, labels of 1-63 letters, digits, hyphens (not first or last)
 * and underscores, the last label not a number (that would be an IP address). The suffix: at least
 * two labels, no underscores, not under {@code arpa}, at most {@value #MAX_SUFFIX} characters so
 * that node names fit. Split domains: not the tailnet's own domain or under it (MagicDNS answers
 * those), no wildcards (a domain covers its subdomains). Resolvers: an IP address, optionally with
 * a port ({@code 10.0.0.53:5353}, {@code [fd00::53]:53}), or an {@code https://} DNS-over-HTTPS
 * URL; never a host name (it would take DNS to find DNS), the unspecified, multicast or broadcast
 * address, or the devices' own resolver (100.100.100.100, fd7a:115c:a1e0::53: a loop). Extra
 * records: A with an IPv4 address or AAAA with an IPv6 one, each at most once. Limits: {@value
 * #MAX_RESOLVERS} resolvers per list, {@value #MAX_ROUTES} split domains, {@value #MAX_SEARCH}
 * search domains, {@value #MAX_RECORDS} extra records.
 *
 * <p>Thread-safety: stateless.
 */
public final class DnsValidation {
  static final int MAX_RESOLVERS = 8;
  static final int MAX_ROUTES = 100;
  static final int MAX_SEARCH = 10;
  static final int MAX_RECORDS = 1000;
  static final int MAX_SUFFIX = 189;

  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

  private DnsValidation() {}

  /**
   * The settings after {@code req}, given {@code current} and the tailnet's name (for the default
   * suffix); the names of the fields that changed are added to {@code changed}.
   */
  public static DnsSettings apply(
      DnsSettings current, DnsRequest req, String tailnetName, List<String> changed) {
    DnsSettings.Builder b = current.toBuilder();
    if (req.magicDns() != null
        && (!current.hasMagicDns() || current.getMagicDns() != req.magicDns())) {
      b.setMagicDns(req.magicDns());
      changed.add("magic_dns");
    }
    if (req.suffix() != null) {
      String s = req.suffix().isBlank() ? "" : suffix(req.suffix());
      if (!s.equals(current.getSuffix())) {
        b.setSuffix(s);
        changed.add("suffix");
      }
    }
    if (req.nameservers() != null) {
      List<String> ns = resolvers("nameservers", req.nameservers(), true);
      if (!ns.equals(current.getNameserversList())) {
        b.clearNameservers().addAllNameservers(ns);
        changed.add("nameservers");
      }
    }
    if (req.routes() != null) {
      Map<String, DnsResolverList> routes = routes(req.routes());
      if (!routes.equals(current.getRoutesMap())) {
        b.clearRoutes().putAllRoutes(routes);
        changed.add("routes");
      }
    }
    if (req.searchDomains() != null) {
      List<String> search = searchDomains(req.searchDomains());
      if (!search.equals(current.getSearchDomainsList())) {
        b.clearSearchDomains().addAllSearchDomains(search);
        changed.add("search_domains");
      }
    }
    if (req.extraRecords() != null) {
      List<DnsExtraRecord> records = extraRecords(req.extraRecords());
      if (!records.equals(current.getExtraRecordsList())) {
        b.clearExtraRecords().addAllExtraRecords(records);
        changed.add("extra_records");
      }
    }
    DnsSettings next = b.build();
    String effective = effectiveSuffix(next, tailnetName);
    for (String domain : next.getRoutesMap().keySet()) {
      if (domain.equals(effective) || domain.endsWith("." + effective)) {
        throw fail(
            "routes[\"" + domain + "\"]",
            "'"
                + domain
                + "' is the tailnet's own MagicDNS domain; its names are answered by MagicDNS.");
      }
    }
    return next;
  }

  /** The suffix devices use: the settings' own, else {@code <tailnet name>.trellis.internal}. */
  public static String effectiveSuffix(DnsSettings s, String tailnetName) {
    return s.getSuffix().isEmpty() ? tailnetName + ".trellis.internal" : s.getSuffix();
  }

  /** Whether MagicDNS is on (unset means on). */
  public static boolean magicDnsOn(DnsSettings s) {
    return !s.hasMagicDns() || s.getMagicDns();
  }

  static String suffix(String text) {
    String d = domain("suffix", text);
    if (d.indexOf('.') < 0) {
      throw fail("suffix", "A MagicDNS suffix has at least two labels, e.g. corp.example.net.");
    }
    if (d.indexOf('_') >= 0) {
      throw fail("suffix", "A MagicDNS suffix has only letters, digits, hyphens and dots.");
    }
    if (d.equals("arpa") || d.endsWith(".arpa")) {
      throw fail("suffix", "A MagicDNS suffix cannot be under arpa (reverse lookups).");
    }
    if (d.length() > MAX_SUFFIX) {
      throw fail(
          "suffix",
          "A MagicDNS suffix has at most " + MAX_SUFFIX + " characters (node names must fit).");
    }
    return d;
  }

  /** {@code text} as a normalised domain name; 422 naming {@code field} when it is not one. */
  static String domain(String field, String text) {
    if (text == null || text.isBlank()) {
      throw fail(field, "A domain name is required.");
    }
    String d = text.strip().toLowerCase(Locale.ROOT);
    if (d.startsWith("*.")) {
      throw fail(
          field, "Give '" + d.substring(2) + "' without '*.': a domain covers its subdomains.");
    }
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (d.isEmpty() || d.length() > 253) {
      throw fail(field, "A domain name has 1 to 253 characters.");
    }
    String[] labels = d.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw fail(
            field,
            "'"
                + clip(text)
                + "' is not a domain name: each label has 1-63 letters, digits, hyphens or"
                + " underscores and does not start or end with a hyphen.");
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      throw fail(field, "'" + clip(text) + "' is an IP address, not a domain name.");
    }
    return d;
  }

  static List<String> resolvers(String field, List<String> texts, boolean mayBeEmpty) {
    if (texts.size() > MAX_RESOLVERS) {
      throw fail(field, "At most " + MAX_RESOLVERS + " resolvers.");
    }
    if (texts.isEmpty() && !mayBeEmpty) {
      throw fail(field, "Give at least one resolver.");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String r = ResolverText.resolver(field + "[" + i + "]", texts.get(i));
      if (out.contains(r)) {
        throw fail(field + "[" + i + "]", "'" + r + "' is listed twice.");
      }
      out.add(r);
    }
    return out;
  }

  private static Map<String, DnsResolverList> routes(Map<String, List<String>> in) {
    if (in.size() > MAX_ROUTES) {
      throw fail("routes", "At most " + MAX_ROUTES + " split-DNS domains.");
    }
    Map<String, DnsResolverList> out = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : in.entrySet()) {
      String field = "routes[\"" + clip(e.getKey() == null ? "" : e.getKey()) + "\"]";
      String d = domain(field, e.getKey());
      if (out.containsKey(d)) {
        throw fail(field, "'" + d + "' is given twice.");
      }
      List<String> list = e.getValue() == null ? List.of() : e.getValue();
      out.put(
          d, DnsResolverList.newBuilder().addAllAddresses(resolvers(field, list, false)).build());
    }
    return out;
  }

  private static List<String> searchDomains(List<String> in) {
    if (in.size() > MAX_SEARCH) {
      throw fail("searchDomains", "At most " + MAX_SEARCH + " search domains.");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      String d = domain("searchDomains[" + i + "]", in.get(i));
      if (out.contains(d)) {
        throw fail("searchDomains[" + i + "]", "'" + d + "' is listed twice.");
      }
      out.add(d);
    }
    return out;
  }

  private static List<DnsExtraRecord> extraRecords(List<DnsRequest.ExtraRecord> in) {
    if (in.size() > MAX_RECORDS) {
      throw fail("extraRecords", "At most " + MAX_RECORDS + " extra records.");
    }
    List<DnsExtraRecord> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < in.size(); i++) {
      String f = "extraRecords[" + i + "]";
      DnsRequest.ExtraRecord r = in.get(i);
      if (r == null) {
        throw fail(f, "A record is required.");
      }
      String name = domain(f + ".name", r.name());
      String type = r.type() == null ? "" : r.type().strip().toUpperCase(Locale.ROOT);
      if (!type.equals("A") && !type.equals("AAAA")) {
        throw fail(f + ".type", "The type is A or AAAA.");
      }
      if (r.value() == null || r.value().isBlank()) {
        throw fail(f + ".value", "An address is required.");
      }
      InetAddress ip = ResolverText.ip(f + ".value", r.value());
      if (type.equals("A") != (ip instanceof Inet4Address)) {
        throw fail(
            f + ".value",
            type.equals("A")
                ? "An A record holds an IPv4 address."
                : "An AAAA record holds an IPv6 address.");
      }
      String value = ResolverText.text(ip);
      if (!seen.add(name + " " + type + " " + value)) {
        throw fail(f, name + " " + type + " " + value + " is listed twice.");
      }
      out.add(DnsExtraRecord.newBuilder().setName(name).setType(type).setValue(value).build());
    }
    return out;
  }

  static String clip(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder out = new StringBuilder();
    for (char c : t.toCharArray()) {
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString();
  }

  static ApiException fail(String field, String message) {
    return ApiException.field(ErrorCode.VALIDATION_FAILED, field, message);
  }
}
