package dev.trellis.identity.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.event.v1.DnsSettings;
import dev.trellis.runtime.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The rules for DNS settings, without a server; and a fuzz target for the parsers. */
class DnsValidationTest {
  static DnsSettings apply(DnsRequest r) {
    return DnsValidation.apply(DnsSettings.getDefaultInstance(), r, "acme", new ArrayList<>());
  }

  @Test
  void resolversAreNormalised() {
    assertEquals("10.0.0.53", ResolverText.resolver("f", " 10.0.0.53:53 "));
    assertEquals("10.0.0.53:5353", ResolverText.resolver("f", "10.0.0.53:5353"));
    assertEquals("fd00::53", ResolverText.resolver("f", "FD00:0:0:0:0:0:0:53"));
    assertEquals("[fd00::53]:5353", ResolverText.resolver("f", "[fd00::53]:5353"));
    assertEquals(
        "https://dns.example/dns-query", ResolverText.resolver("f", "https://DNS.example"));
  }

  @Test
  void domainsAreNormalisedAndIpAddressesAreNotDomains() {
    assertEquals("corp.example", DnsValidation.domain("f", "Corp.Example."));
    assertEquals("_sip._tcp.example", DnsValidation.domain("f", "_sip._tcp.example"));
    assertEquals("10.in-addr.arpa", DnsValidation.domain("f", "10.in-addr.arpa"));
    for (String bad :
        List.of("", "a..b", "-a.b", "a-.b", "1.2.3.4", "a b.c", "x".repeat(64) + ".c")) {
      ApiException e = assertThrows(ApiException.class, () -> DnsValidation.domain("f", bad), bad);
      assertEquals("f", e.field());
    }
  }

  @Test
  void onlyGivenFieldsChangeAndChangedFieldsAreNamed() {
    List<String> changed = new ArrayList<>();
    DnsSettings s =
        DnsValidation.apply(
            DnsSettings.newBuilder().addNameservers("1.1.1.1").build(),
            new DnsRequest(
                false,
                null,
                null,
                Map.of("b.test", List.of("10.0.0.2"), "a.test", List.of("10.0.0.1")),
                null,
                null),
            "acme",
            changed);
    assertEquals(List.of("magic_dns", "routes"), changed);
    assertEquals(List.of("1.1.1.1"), s.getNameserversList());
    assertEquals(List.of("a.test", "b.test"), List.copyOf(s.getRoutesMap().keySet()));
    assertEquals("acme.trellis.internal", DnsValidation.effectiveSuffix(s, "acme"));
  }

  @Test
  void aSuffixChangeThatSwallowsASplitDomainIsRefused() {
    DnsSettings withRoute =
        apply(
            new DnsRequest(
                null, null, null, Map.of("corp.example", List.of("10.0.0.1")), null, null));
    ApiException e =
        assertThrows(
            ApiException.class,
            () ->
                DnsValidation.apply(
                    withRoute,
                    new DnsRequest(null, "corp.example", null, null, null, null),
                    "acme",
                    new ArrayList<>()));
    assertEquals("routes[\"corp.example\"]", e.field());
  }

  @Property(tries = 2000)
  void anyTextIsANormalisedValueOrAFieldNamedRefusal(@ForAll String text) {
    for (var check :
        List.<java.util.function.Function<String, String>>of(
            t -> DnsValidation.domain("f", t),
            t -> ResolverText.resolver("f", t),
            t -> DnsValidation.suffix(t))) {
      try {
        String v = check.apply(text);
        assertTrue(v != null && !v.isBlank());
      } catch (ApiException e) {
        assertTrue(e.field() != null);
      }
    }
  }
}
