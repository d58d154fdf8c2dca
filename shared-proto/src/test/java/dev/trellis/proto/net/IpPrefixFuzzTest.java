package dev.trellis.proto.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Fuzz targets: any text is a prefix or an IllegalArgumentException, never another failure. */
class IpPrefixFuzzTest {

  @Provide
  Arbitrary<String> addressLikeText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789abcdefABCDEF.:/[]% -+").ofMaxLength(48),
        Arbitraries.strings().ofMaxLength(48));
  }

  @Property(tries = 5000)
  void parseAcceptsOrRefusesWithAReason(@ForAll("addressLikeText") String text) {
    IpPrefix p;
    try {
      p = IpPrefix.parse(text);
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertEquals(p, IpPrefix.parse(p.toString()), text);
  }

  @Property(tries = 5000)
  void literalsAcceptOrRefuseWithAReason(@ForAll("addressLikeText") String text) {
    try {
      IpLiteral.parse(text);
    } catch (IllegalArgumentException refused) {
      // the only way to refuse
    }
  }
}
