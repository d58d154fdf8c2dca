package dev.trellis.proto.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class AdvertisedRoutesTest {
  @Test
  void subnetsAreCanonicalSortedAndDeduplicated() {
    assertEquals(
        List.of("10.0.0.0/8", "192.168.1.0/24"),
        AdvertisedRoutes.offer(List.of("192.168.1.0/24", "10.0.0.0/8", "10.0.0.0/8"), false));
    assertEquals(List.of("fd00:1::/32"), AdvertisedRoutes.offer(List.of("FD00:1::/32"), false));
  }

  @Test
  void anExitNodeOffersBothDefaultRoutes() {
    assertEquals(List.of("0.0.0.0/0", "::/0"), AdvertisedRoutes.offer(List.of(), true));
    assertEquals(
        List.of("0.0.0.0/0", "10.1.0.0/16", "::/0"),
        AdvertisedRoutes.checked(List.of("::/0", "0.0.0.0/0", "10.1.0.0/16")));
  }

  @Test
  void badRoutesAreRefusedWithTheRouteNamed() {
    refused(() -> AdvertisedRoutes.subnet("10.0.0.1"), "'10.0.0.1' is not a CIDR");
    refused(
        () -> AdvertisedRoutes.subnet("10.0.0.1/24"), "host bits set; the network is 10.0.0.0/24");
    refused(() -> AdvertisedRoutes.subnet("0.0.0.0/0"), "--advertise-exit-node");
    refused(
        () -> AdvertisedRoutes.subnet("100.100.0.0/16"),
        "overlaps the tailnet's own range 100.64.0.0/10");
    refused(() -> AdvertisedRoutes.subnet("100.0.0.0/8"), "overlaps");
    refused(() -> AdvertisedRoutes.subnet("fd7a:115c:a1e0:5::/64"), "fd7a:115c:a1e0::/48");
    refused(() -> AdvertisedRoutes.subnet("10.0.0.0/33"), "longer than 32");
    refused(() -> AdvertisedRoutes.subnet("ten/8"), "");
    refused(() -> AdvertisedRoutes.checked(List.of("0.0.0.0/0")), "both 0.0.0.0/0 and ::/0");
  }

  @Test
  void controlCharactersInARouteAreEscapedInTheMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> AdvertisedRoutes.subnet("10.0.0.0\u001b[31m"));
    assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
  }

  private static void refused(Executable call, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
