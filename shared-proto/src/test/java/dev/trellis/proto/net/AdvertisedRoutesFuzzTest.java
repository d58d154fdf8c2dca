package dev.trellis.proto.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz target: any list of texts (as a device reports or an admin posts) is a canonical route list
 * or an IllegalArgumentException with a message free of control characters, never another failure;
 * an accepted list is a fixed point.
 */
class AdvertisedRoutesFuzzTest {

  @Provide
  Arbitrary<List<String>> routeLists() {
    Arbitrary<String> routeLike =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("0123456789abcdef.:/").ofMaxLength(24),
            Arbitraries.of("0.0.0.0/0", "::/0", "10.0.0.0/8", "192.168.1.0/24", "fd00::/8"),
            Arbitraries.strings().ofMaxLength(24));
    return routeLike.list().ofMaxSize(6);
  }

  @Property(tries = 3000)
  void checkedAcceptsOrRefusesWithAReason(@ForAll("routeLists") List<String> routes) {
    List<String> ok;
    try {
      ok = AdvertisedRoutes.checked(routes);
    } catch (IllegalArgumentException refused) {
      assertFalse(refused.getMessage().chars().anyMatch(c -> c < 0x20), refused.getMessage());
      return;
    }
    assertEquals(ok, AdvertisedRoutes.checked(ok));
  }
}
