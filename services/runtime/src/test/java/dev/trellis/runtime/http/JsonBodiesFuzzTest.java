package dev.trellis.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.trellis.proto.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzz-style properties: untrusted bodies and headers yield a value or a clean 400, never a bug.
 */
class JsonBodiesFuzzTest {
  record Peer(String key, int port, boolean online) {}

  record Update(String name, List<Peer> peers, Map<String, String> tags, long version) {}

  private static final String VALID =
      "{\"name\":\"n\",\"peers\":[{\"key\":\"k\",\"port\":41641,\"online\":true}],"
          + "\"tags\":{\"a\":\"b\"},\"version\":7}";

  @Property(tries = 3000)
  void randomBytesGiveAValueOrABadRequest(@ForAll byte[] body) {
    check(body);
  }

  @Property(tries = 3000)
  void mutatedValidJsonGivesAValueOrABadRequestNamingAField(@ForAll("mutations") byte[] body) {
    check(body);
  }

  @Property(tries = 2000)
  void anyAuthorizationHeaderParsesOrIsEmpty(@ForAll String header) {
    BearerToken.parse(header)
        .ifPresent(
            t -> {
              assertFalse(t.value().isEmpty());
              assertEquals("BearerToken[redacted]", t.toString());
            });
    BearerToken.parse("Bearer " + header);
  }

  @Provide
  Arbitrary<byte[]> mutations() {
    byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
    return Arbitraries.integers()
        .between(0, valid.length - 1)
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .flatMap(
            positions ->
                Arbitraries.bytes()
                    .array(byte[].class)
                    .ofSize(positions.size())
                    .map(
                        replacements -> {
                          byte[] copy = valid.clone();
                          for (int i = 0; i < positions.size(); i++) {
                            copy[positions.get(i)] = replacements[i];
                          }
                          return copy;
                        }));
  }

  private static void check(byte[] body) {
    try {
      assertNotNull(JsonBodies.parse(body, Update.class));
    } catch (ApiException e) {
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
      assertFalse(e.getMessage().contains("dev.trellis"), e.getMessage());
      assertFalse(e.getMessage().contains("JsonBodiesFuzzTest"), e.getMessage());
    }
  }
}
