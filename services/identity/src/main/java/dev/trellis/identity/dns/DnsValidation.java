package dev.trellis.identity.dns;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.DnsExtraRecord;
import dev.trellis.proto.event.v1.DnsResolverList;
import dev.trellis.proto.event.v1.DnsSettings;
import dev.trellis.runtime.http.ApiException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
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
  private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]+");

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
      String r = resolver(field + "[" + i + "]", texts.get(i));
      if (out.contains(r)) {
        throw fail(field + "[" + i + "]", "'" + r + "' is listed twice.");
      }
      out.add(r);
    }
    return out;
  }

  /** One resolver in its normal form ({@code 10.0.0.53}, {@code 10.0.0.53:5353}, a URL). */
  static String resolver(String field, String text) {
    if (text == null || text.isBlank()) {
      throw fail(field, "A resolver address is required.");
    }
    String t = text.strip();
    if (t.regionMatches(true, 0, "https://", 0, 8)) {
      return doh(field, t);
    }
    if (t.contains("://")) {
      throw fail(field, "Resolvers are IP addresses or https:// (DNS over HTTPS) URLs.");
    }
    String host = t;
    Integer port = null;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0) {
        throw fail(field, "'" + clip(t) + "' has '[' without ']'.");
      }
      host = t.substring(1, close);
      String rest = t.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw fail(field, "Expected [address]:port, got '" + clip(t) + "'.");
        }
        port = port(field, rest.substring(1));
      }
    } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
      host = t.substring(0, t.indexOf(':'));
      port = port(field, t.substring(t.indexOf(':') + 1));
    }
    InetAddress ip = ip(field, host);
    if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
      throw fail(field, "'" + host + "' cannot be a resolver (unspecified or multicast).");
    }
    if (ip.getHostAddress().equals("255.255.255.255")) {
      throw fail(field, "The broadcast address cannot be a resolver.");
    }
    if (ip.getHostAddress().equals("100.100.100.100")
        || ip.getHostAddress().equals("fd7a:115c:a1e0:0:0:0:0:53")) {
      throw fail(field, "That is the devices' own resolver; forwarding to it would loop.");
    }
    String norm = ip instanceof Inet6Address ? compact(ip) : ip.getHostAddress();
    if (port == null || port == 53) {
      return norm;
    }
    return (ip instanceof Inet6Address ? "[" + norm + "]" : norm) + ":" + port;
  }

  private static String doh(String field, String t) {
    try {
      URI u = new URI(t);
      if (u.getHost() == null
          || u.getUserInfo() != null
          || u.getFragment() != null
          || t.length() > 512) {
        throw fail(
            field, "A DNS-over-HTTPS URL is https://host[:port]/path, at most 512 characters.");
      }
      return "https://"
          + u.getRawAuthority().toLowerCase(Locale.ROOT)
          + (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/dns-query" : u.getRawPath())
          + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    } catch (URISyntaxException e) {
      throw fail(field, "'" + clip(t) + "' is not a URL.");
    }
  }

  private static int port(String field, String text) {
    try {
      int p = Integer.parseInt(text);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw fail(field, "'" + clip(text) + "' is not a port (1-65535).");
  }

  /** A numeric IP address; never looks anything up. */
  static InetAddress ip(String field, String text) {
    String t = text.strip();
    boolean v4 = V4.matcher(t).matches();
    boolean v6 = t.indexOf(':') >= 0 && V6.matcher(t).matches();
    if (v4) {
      for (String part : t.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          v4 = false;
        }
      }
    }
    if (!v4 && !v6) {
      throw fail(
          field,
          "'"
              + clip(text)
              + "' is not an IP address (host names are not accepted: finding them would need"
              + " DNS).");
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      throw fail(field, "'" + clip(text) + "' is not an IP address.");
    }
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
      InetAddress ip = ip(f + ".value", r.value());
      if (type.equals("A") != (ip instanceof Inet4Address)) {
        throw fail(
            f + ".value",
            type.equals("A")
                ? "An A record holds an IPv4 address."
                : "An AAAA record holds an IPv6 address.");
      }
      String value = ip instanceof Inet6Address ? compact(ip) : ip.getHostAddress();
      if (!seen.add(name + " " + type + " " + value)) {
        throw fail(f, name + " " + type + " " + value + " is listed twice.");
      }
      out.add(DnsExtraRecord.newBuilder().setName(name).setType(type).setValue(value).build());
    }
    return out;
  }

  /** The shortest text form of an IPv6 address ({@code fd00::53}). */
  private static String compact(InetAddress ip) {
    byte[] b = ip.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i > 1) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append(i == 0 ? "::" : ":");
        i += bestLen - 1;
        continue;
      }
      s.append(Integer.toHexString(words[i]));
      if (i < 7) {
        s.append(':');
      }
    }
    return s.toString();
  }

  private static String clip(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder out = new StringBuilder();
    for (char c : t.toCharArray()) {
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString();
  }

  private static ApiException fail(String field, String message) {
    return ApiException.field(ErrorCode.VALIDATION_FAILED, field, message);
  }
}
