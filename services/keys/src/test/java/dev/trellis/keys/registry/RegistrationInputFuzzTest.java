package dev.trellis.keys.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Outside input to the key registry (register bodies, hostnames, tags, names) yields a clear 400 or
 * a valid value, never another exception.
 */
class RegistrationInputFuzzTest {
  private static final String VALID =
      "{\"tailnetId\":\"tn1\",\"machineKey\":\"mkey:"
          + "ab".repeat(32)
          + "\","
          + "\"nodeKey\":\"nodekey:"
          + "cd".repeat(32)
          + "\",\"discoKey\":\"discokey:"
          + "ef".repeat(32)
          + "\",\"hostname\":\"h\",\"os\":\"linux\",\"userId\":\"u\","
          + "\"tags\":[\"tag:a\"],\"ephemeral\":false,\"authKeyId\":\"k\",\"preapproved\":true}";

  @Test
  void hostnamesWithControlOrBidiCharactersAreRefusedNamingTheField() {
    for (String bad :
        new String[] {
          "laptop\nforged", "laptop\u001b[31m", "abc\u202Etxt.exe", "a\u2066b", "x".repeat(256)
        }) {
      RegisterRequest req =
          new RegisterRequest(
              "tn1",
              "mkey:" + "ab".repeat(32),
              "nodekey:" + "cd".repeat(32),
              null,
              null,
              bad,
              "linux",
              "u",
              List.of(),
              false,
              "",
              false,
              null);
      ApiException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ApiException.class, () -> Registration.check(req), bad);
      assertEquals("hostname", e.field(), bad);
    }
  }

  @Property(tries = 2000)
  void everyHostnameGivesAValidName(@ForAll String hostname) {
    String base = MagicName.base(hostname);
    assertTrue(MagicName.valid(base), base);
    for (int n : new int[] {2, 17, 10_000}) {
      String c = MagicName.candidate(base, n);
      assertTrue(MagicName.valid(c) && c.endsWith("-" + n), c);
    }
  }

  @Property(tries = 2000)
  void mutatedRegisterBodiesAreValidOrA400(@ForAll("mutatedBodies") byte[] body) {
    try {
      RegisterRequest req = JsonBodies.parse(body, RegisterRequest.class);
      Registration.check(req);
    } catch (ApiException e) {
      assertEquals(400, e.code().httpStatus());
    }
  }

  @Property(tries = 1000)
  void tagsAreCheckedOrRefused(@ForAll List<String> tags) {
    try {
      List<String> out = Tags.check(tags, "tags");
      assertTrue(out.stream().allMatch(t -> t.startsWith("tag:")));
    } catch (ApiException e) {
      assertEquals(400, e.code().httpStatus());
    }
  }

  @Test
  void theUnmutatedBodyIsValid() {
    var c =
        Registration.check(
            JsonBodies.parse(VALID.getBytes(StandardCharsets.UTF_8), RegisterRequest.class));
    assertEquals(List.of("tag:a"), c.tags());
    assertEquals(
        "hostnames are examples", MagicName.base("hostnames are examples").replace('-', ' '));
  }

  @Provide
  Arbitrary<byte[]> mutatedBodies() {
    byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(400),
        Arbitraries.integers()
            .between(0, valid.length - 1)
            .list()
            .ofMinSize(1)
            .ofMaxSize(6)
            .flatMap(
                positions ->
                    Arbitraries.bytes()
                        .list()
                        .ofSize(positions.size())
                        .map(
                            values -> {
                              byte[] b = valid.clone();
                              for (int i = 0; i < positions.size(); i++) {
                                b[positions.get(i)] = values.get(i);
                              }
                              return b;
                            })));
  }
}
