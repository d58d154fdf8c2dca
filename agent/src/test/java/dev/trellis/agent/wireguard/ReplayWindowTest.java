package dev.trellis.agent.wireguard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The sliding replay window accepts each counter once and nothing too old. */
class ReplayWindowTest {
  @Test
  void acceptsEachCounterOnceInAnyOrderWithinTheWindow() {
    ReplayWindow w = new ReplayWindow();
    assertTrue(w.accept(0));
    assertFalse(w.accept(0));
    assertTrue(w.accept(5));
    assertTrue(w.accept(3));
    assertFalse(w.accept(3));
    assertTrue(w.accept(10_000));
    assertFalse(w.accept(10_000 - ReplayWindow.WINDOW_SIZE - 1), "too old");
    assertTrue(w.accept(10_000 - ReplayWindow.WINDOW_SIZE + 64), "inside the window");
    assertTrue(w.accept(1L << 40), "a big jump clears the ring");
    assertFalse(w.accept(1L << 40));
    assertTrue(w.accept((1L << 40) - 1));
  }

  @Test
  void rejectsCountersAtTheRejectLimit() {
    ReplayWindow w = new ReplayWindow();
    assertFalse(w.accept(Spec.REJECT_AFTER_MESSAGES));
    assertFalse(w.accept(-1L));
    assertTrue(w.accept(Spec.REJECT_AFTER_MESSAGES - 1));
  }
}
