package dev.trellis.identity.login;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Argon2id hashes: round trip, PHC form, and malformed or tampered hashes never verify. */
class PasswordHashTest {
  static final String STORED = PasswordHash.hash("hunter2hunter2".toCharArray());

  @Test
  void aHashVerifiesOnlyItsPassword() {
    assertTrue(STORED.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), STORED);
    assertTrue(PasswordHash.verify("hunter2hunter2".toCharArray(), STORED));
    assertFalse(PasswordHash.verify("hunter2hunter3".toCharArray(), STORED));
    assertFalse(
        PasswordHash.verify(
            "hunter2hunter2".toCharArray(), STORED.replace("m=19456", "m=99999999")));
  }

  @Property(tries = 200)
  void randomTextIsNeverAHash(@ForAll String phc) {
    assertFalse(PasswordHash.verify("x".toCharArray(), phc));
  }

  @Property(tries = 25)
  void tamperedHashesNeverVerify(
      @ForAll @IntRange(min = 0, max = 200) int at, @ForAll char replacement) {
    int i = Math.min(at, STORED.length() - 1);
    String tampered = STORED.substring(0, i) + replacement + STORED.substring(i + 1);
    if (!tampered.equals(STORED)) {
      assertFalse(PasswordHash.verify("hunter2hunter2".toCharArray(), tampered));
    }
  }
}
