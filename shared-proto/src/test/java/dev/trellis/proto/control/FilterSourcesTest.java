package dev.trellis.proto.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.net.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterSourcesTest {
  private static final List<IpPrefix> HOSTS =
      List.of(IpPrefix.parse("100.64.0.1/32"), IpPrefix.parse("fd7a:115c:a1e0::1/128"));

  @Test
  void concreteSourcesArePackedAndReadBack() {
    FilterRule r = FilterSources.set(FilterRule.newBuilder(), false, HOSTS).build();
    assertEquals(0, r.getSrcPrefixesCount());
    assertEquals(6 + 18, r.getSrcPacked().size());
    assertFalse(FilterSources.any(r));
    assertEquals(HOSTS, FilterSources.prefixes(r));
    assertEquals(List.of("100.64.0.1/32", "fd7a:115c:a1e0::1/128"), FilterSources.text(r));
  }

  @Test
  void anySourceIsTheStar() {
    FilterRule r = FilterSources.set(FilterRule.newBuilder(), true, HOSTS).build();
    assertTrue(FilterSources.any(r));
    assertEquals(List.of("*"), FilterSources.text(r));
    assertEquals(ByteString.EMPTY, r.getSrcPacked());
  }

  @Test
  void textAndPackedSourcesAreOneUnion() {
    FilterRule r =
        FilterSources.set(FilterRule.newBuilder(), false, HOSTS.subList(0, 1))
            .addSrcPrefixes("10.0.0.0/8")
            .build();
    assertEquals(
        List.of(IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("100.64.0.1/32")),
        FilterSources.prefixes(r));
  }

  @Test
  void aMalformedSourceIsRefusedWithAReason() {
    FilterRule r =
        FilterRule.newBuilder().setSrcPacked(ByteString.copyFrom(new byte[] {9, 0})).build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FilterSources.prefixes(r));
    assertTrue(e.getMessage().contains("unknown address family 9"), e.getMessage());
  }
}
