package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * Fuzz target for the query path: any bytes, over UDP or TCP, are answered, refused or dropped and
 * counted, never thrown on; an answer is a well-formed response to the packet's id within the
 * transport's size.
 */
class ResponderFuzzTest {
  static final ResolverState STATE = ResponderTest.state(Netmaps.withExtrasAndRoutes());

  @Property(tries = 3000)
  void randomBytesNeverThrowAndAreAccountedFor(
      @ForAll @Size(max = 600) byte[] bytes, @ForAll boolean tcp) {
    check(bytes, tcp);
  }

  @Property(tries = 3000)
  void mutatedQueriesNeverThrowAndAreAccountedFor(
      @ForAll("mutated") byte[] bytes, @ForAll boolean tcp) {
    check(bytes, tcp);
  }

  static void check(byte[] bytes, boolean tcp) {
    DnsCounters counters = new DnsCounters();
    Responder.Outcome o = new Responder(counters).handle(bytes, bytes.length, tcp, STATE);
    assertEquals(1, counters.queries());
    switch (o) {
      case Responder.Drop d -> assertEquals(1, counters.dropped(d.reason()));
      case Responder.Forward f -> {
        assertTrue(!f.upstreams().isEmpty());
        assertEquals(bytes[0] & 0xff, (f.query().getHeader().getID() >> 8) & 0xff);
      }
      case Responder.Reply r -> {
        byte[] w = r.wire();
        assertTrue(w.length >= 12, "an answer has a header");
        assertTrue(w.length <= (tcp ? 65535 : Responder.MAX_UDP_REPLY));
        assertEquals(bytes[0], w[0]);
        assertEquals(bytes[1], w[1]);
        assertTrue((w[2] & 0x80) != 0, "the answer is a response");
        try {
          new Message(w);
        } catch (java.io.IOException e) {
          throw new AssertionError("unreadable answer to a fuzzed query", e);
        }
      }
    }
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    Arbitrary<byte[]> base =
        Arbitraries.of(
            Queries.wire("nas.", Type.A),
            Queries.withEdns("nas.acme.trellis.internal.", Type.AAAA, 1232),
            Queries.wire("2.0.64.100.in-addr.arpa.", Type.PTR),
            Queries.wire("db.corp.test.", Type.A),
            Queries.withEdns("big.example.", Type.TXT, 4096));
    return Combinators.combine(
            base,
            Arbitraries.integers().between(0, 80).list().ofMaxSize(6),
            Arbitraries.bytes().list().ofMaxSize(6),
            Arbitraries.integers().between(-20, 20))
        .as(
            (b, positions, values, resize) -> {
              byte[] out = java.util.Arrays.copyOf(b, Math.max(0, b.length + resize));
              for (int i = 0; i < Math.min(positions.size(), values.size()); i++) {
                if (positions.get(i) < out.length) {
                  out[positions.get(i)] = values.get(i);
                }
              }
              return out;
            });
  }

  @Property(tries = 200)
  void headerOnlyErrorsEchoTheIdOfAnyReadableQuery(@ForAll @Size(min = 12, max = 40) byte[] b) {
    b[2] &= 0x7f;
    byte[] w = Replies.headerOnly(b, org.xbill.DNS.Rcode.FORMERR, new DnsCounters());
    assertEquals(List.of(b[0], b[1]), List.of(w[0], w[1]));
  }
}
