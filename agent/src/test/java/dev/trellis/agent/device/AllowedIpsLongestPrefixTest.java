package dev.trellis.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The allowed-IPs trie agrees with a naive longest-prefix scan. */
class AllowedIpsLongestPrefixTest {
  record Route(IpPrefix prefix, int value) {}

  @Provide
  Arbitrary<List<Route>> routes() {
    Arbitrary<IpPrefix> v4 =
        Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofSize(4),
                Arbitraries.integers().between(0, 32))
            .as((a, bits) -> IpPrefix.of(addr(squash(a)), bits));
    Arbitrary<IpPrefix> v6 =
        Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofSize(16),
                Arbitraries.integers().between(0, 128))
            .as((a, bits) -> IpPrefix.of(addr(squash(a)), bits));
    return Combinators.combine(Arbitraries.oneOf(v4, v6), Arbitraries.integers().between(0, 999))
        .as(Route::new)
        .list()
        .ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<byte[]>> addresses() {
    return Arbitraries.oneOf(
            Arbitraries.bytes().array(byte[].class).ofSize(4),
            Arbitraries.bytes().array(byte[].class).ofSize(16))
        .map(AllowedIpsLongestPrefixTest::squash)
        .list()
        .ofSize(50);
  }

  /** Few distinct bit patterns, so that random prefixes and addresses overlap often. */
  private static byte[] squash(byte[] a) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) (a[i] & 0xC1);
    }
    return a;
  }

  private static InetAddress addr(byte[] a) {
    try {
      return InetAddress.getByAddress(a);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Property(tries = 300)
  void lookupReturnsTheValueOfTheLongestContainingPrefixLastWriteWins(
      @ForAll("routes") List<Route> routes, @ForAll("addresses") List<byte[]> addresses) {
    AllowedIps<Integer> trie = new AllowedIps<>();
    for (Route r : routes) {
      trie.insert(r.prefix(), r.value());
    }
    for (byte[] a : addresses) {
      Integer expected = null;
      int bestBits = -1;
      for (Route r : routes) {
        if (r.prefix().contains(a) && r.prefix().bits() >= bestBits) {
          bestBits = r.prefix().bits();
          expected = r.value();
        }
      }
      byte[] buf = new byte[a.length + 3];
      System.arraycopy(a, 0, buf, 3, a.length);
      assertEquals(expected, trie.lookup(buf, 3, a.length));
    }
  }
}
