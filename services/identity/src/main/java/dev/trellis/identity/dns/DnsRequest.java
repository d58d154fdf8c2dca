package dev.trellis.identity.dns;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/tailnets/:tailnet/dns}: only the fields to change; a list or map
 * given replaces the current one whole ({@code []} or {@code {}} empties it), {@code suffix: ""}
 * goes back to the default suffix.
 *
 * @param magicDns MagicDNS on or off
 * @param suffix the MagicDNS suffix
 * @param nameservers resolvers for every other name
 * @param routes split DNS: domain to its resolvers
 * @param searchDomains search domains
 * @param extraRecords records devices answer themselves
 *     <p>Thread-safety: immutable once read (Jackson makes it on the request's thread).
 */
public record DnsRequest(
    Boolean magicDns,
    String suffix,
    List<String> nameservers,
    Map<String, List<String>> routes,
    List<String> searchDomains,
    List<ExtraRecord> extraRecords) {

  /**
   * One extra record.
   *
   * @param name its name, e.g. {@code grafana.internal}
   * @param type {@code A} or {@code AAAA}
   * @param value the address
   */
  public record ExtraRecord(String name, String type, String value) {}
}
