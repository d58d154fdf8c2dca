package dev.trellis.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The phase users see: {@code up} waits for it to leave Starting; an applied netmap never revives a
 * stopped or logged-out daemon; the stream's reconnect message goes once it is connected again.
 */
class BackendPhaseTest {
  @Test
  void upWakesWhenTheFirstNetmapIsApplied() throws Exception {
    BackendPhase phase = new BackendPhase(BackendState.Stopped);
    phase.set(BackendState.Starting, "");
    Thread applier =
        Thread.ofPlatform()
            .start(
                () -> {
                  sleep(100);
                  phase.netmapApplied(false);
                });
    long start = System.nanoTime();
    BackendPhase.View v = phase.awaitLeaving(BackendState.Starting, Duration.ofSeconds(30));
    assertEquals(BackendState.NeedsApproval, v.state());
    assertTrue(
        System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "woken, not timed out");
    applier.join();
  }

  @Test
  void aWaitEndsAtItsLimitStillStarting() {
    BackendPhase phase = new BackendPhase(BackendState.Starting);
    phase.message("control: reconnecting (refused)");
    BackendPhase.View v = phase.awaitLeaving(BackendState.Starting, Duration.ofMillis(50));
    assertEquals(BackendState.Starting, v.state());
    assertEquals("control: reconnecting (refused)", v.message());
  }

  @Test
  void aNetmapDoesNotReviveAStoppedOrLoggedOutDaemon() {
    for (BackendState down : new BackendState[] {BackendState.Stopped, BackendState.NeedsLogin}) {
      BackendPhase phase = new BackendPhase(down);
      assertTrue(phase.idle());
      phase.netmapApplied(true);
      assertEquals(down, phase.view().state());
    }
    BackendPhase running = new BackendPhase(BackendState.Starting);
    assertFalse(running.idle());
    running.netmapApplied(true);
    assertEquals(BackendState.Running, running.view().state());
  }

  @Test
  void theLoginUrlShowsUntilTheLoginEnds() {
    BackendPhase phase = new BackendPhase(BackendState.NeedsLogin);
    phase.loginAt("https://login.example/a");
    assertEquals(
        new BackendPhase.View(
            BackendState.NeedsLogin,
            "waiting for the login at https://login.example/a",
            "https://login.example/a"),
        phase.view());
    phase.loginEnded(null);
    assertEquals("", phase.view().authUrl());
    assertEquals("waiting for the login at https://login.example/a", phase.view().message());
    phase.loginAt("https://login.example/b");
    phase.loginEnded("registration failed: timeout");
    assertEquals(
        new BackendPhase.View(BackendState.NeedsLogin, "registration failed: timeout", ""),
        phase.view());
  }

  @Test
  void onlyTheStreamsOwnMessageClearsOnReconnect() {
    BackendPhase phase = new BackendPhase(BackendState.Running);
    phase.message("control: reconnecting (reset)");
    phase.clearControlMessage();
    assertEquals("", phase.view().message());
    phase.message("cannot apply the netmap: bad prefix");
    phase.clearControlMessage();
    assertEquals("cannot apply the netmap: bad prefix", phase.view().message());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
