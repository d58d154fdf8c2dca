package dev.trellis.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Requests reach their verb's handler; an unknown verb gets BAD_REQUEST; lifecycle verbs never run
 * beside each other, while other verbs (status) answer during a long {@code up}.
 */
class VerbsTest {
  private static String reply(Verbs verbs, String verb) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    verbs.handle(new Request(verb, Map.of()), new ReplyWriter(bytes));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void eachVerbReachesItsHandler() throws Exception {
    Verbs verbs =
        new Verbs()
            .add("status", (r, out) -> out.line("status", "s"))
            .addSerialized("down", (r, out) -> out.ok());
    assertEquals("status=s\n", reply(verbs, "status"));
    assertEquals("result=ok\n\n", reply(verbs, "down"));
  }

  @Test
  void anUnknownVerbIsABadRequest() throws Exception {
    assertEquals(
        "result=error\nerror_code=BAD_REQUEST\nmessage=unknown request ping\n\n",
        reply(new Verbs(), "ping"));
  }

  @Test
  void aVerbHasOneHandler() {
    Verbs verbs = new Verbs().add("up", (r, out) -> {});
    var e =
        assertThrows(IllegalArgumentException.class, () -> verbs.addSerialized("up", (r, o) -> {}));
    assertEquals("the verb up has a handler already", e.getMessage());
  }

  @Test
  void lifecycleVerbsRunOneAtATimeWhileStatusAnswers() throws Exception {
    CountDownLatch upEntered = new CountDownLatch(1);
    CountDownLatch releaseUp = new CountDownLatch(1);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Verbs verbs =
        new Verbs()
            .addSerialized(
                "up",
                (r, out) -> {
                  if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                  }
                  upEntered.countDown();
                  try {
                    releaseUp.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  inside.decrementAndGet();
                })
            .addSerialized(
                "down",
                (r, out) -> {
                  if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                  }
                  inside.decrementAndGet();
                  out.ok();
                })
            .add("status", (r, out) -> out.line("state", "Starting"));
    Thread up = Thread.ofPlatform().start(() -> call(verbs, "up"));
    assertTrue(upEntered.await(30, TimeUnit.SECONDS));
    CountDownLatch downDone = new CountDownLatch(1);
    Thread down =
        Thread.ofPlatform()
            .start(
                () -> {
                  call(verbs, "down");
                  downDone.countDown();
                });
    assertEquals("state=Starting\n", reply(verbs, "status"), "status answers during up");
    assertFalse(downDone.await(200, TimeUnit.MILLISECONDS), "down waits for up");
    releaseUp.countDown();
    assertTrue(downDone.await(30, TimeUnit.SECONDS));
    up.join();
    down.join();
    assertEquals(0, overlaps.get());
  }

  private static void call(Verbs verbs, String verb) {
    try {
      reply(verbs, verb);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
