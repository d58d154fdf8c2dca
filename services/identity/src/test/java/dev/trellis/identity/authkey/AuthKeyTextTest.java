package dev.trellis.identity.authkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The auth key text parser never throws and never lets a secret into an audit prefix. */
class AuthKeyTextTest {

  @Property(tries = 500)
  void randomTextNeverThrowsAndRarelyParses(@ForAll String text) {
    var id = AuthKeyText.keyId(text);
    id.ifPresent(i -> assertTrue(text.startsWith(AuthKeyText.PREFIX + i)));
    assertTrue(AuthKeyText.presentedPrefix(text).length() <= AuthKeyText.PREFIX_LENGTH);
  }

  @Property(tries = 300)
  void mutatedKeysNeverMatchTheOriginalHash(
      @ForAll @IntRange(min = 0, max = 72) int at, @ForAll char replacement) {
    String key = AuthKeyText.generate("0123456789abcdef");
    assertEquals("0123456789abcdef", AuthKeyText.keyId(key).orElseThrow());
    int i = Math.min(at, key.length() - 1);
    String mutated = key.substring(0, i) + replacement + key.substring(i + 1);
    if (!mutated.equals(key)) {
      assertTrue(!AuthKeyText.sameHash(AuthKeyText.hash(key), AuthKeyText.hash(mutated)));
    }
    String shown = AuthKeyText.presentedPrefix(mutated);
    assertTrue(!shown.contains(key.substring(AuthKeyText.PREFIX_LENGTH + 1)));
  }
}
