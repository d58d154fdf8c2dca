package dev.trellis.identity.dns;

import dev.trellis.proto.event.v1.DnsExtraRecord;
import dev.trellis.proto.event.v1.DnsResolverList;
import dev.trellis.proto.event.v1.DnsSettings;
import dev.trellis.proto.state.v1.TailnetRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tailnet's DNS settings as the admin API shows them: every field with its effective value
 * ({@code suffix} is the one devices use; {@code suffixIsDefault} says whether it was set), and
 * {@code version}, the value for {@code If-Match}.
 *
 * <p>Thread-safety: stateless.
 */
final class DnsView {
  private DnsView() {}

  static Map<String, Object> of(TailnetRecord t) {
    DnsSettings s = t.getDns();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tailnetId", t.getTailnetId());
    out.put("tailnet", t.getName());
    out.put("version", t.getDnsVersion());
    out.put("magicDns", DnsValidation.magicDnsOn(s));
    out.put("suffix", DnsValidation.effectiveSuffix(s, t.getName()));
    out.put("suffixIsDefault", s.getSuffix().isEmpty());
    out.put("nameservers", List.copyOf(s.getNameserversList()));
    Map<String, Object> routes = new LinkedHashMap<>();
    for (Map.Entry<String, DnsResolverList> e :
        new java.util.TreeMap<>(s.getRoutesMap()).entrySet()) {
      routes.put(e.getKey(), List.copyOf(e.getValue().getAddressesList()));
    }
    out.put("routes", routes);
    out.put("searchDomains", List.copyOf(s.getSearchDomainsList()));
    List<Map<String, Object>> records = new ArrayList<>();
    for (DnsExtraRecord r : s.getExtraRecordsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.getName());
      m.put("type", r.getType());
      m.put("value", r.getValue());
      records.add(m);
    }
    out.put("extraRecords", records);
    return out;
  }
}
