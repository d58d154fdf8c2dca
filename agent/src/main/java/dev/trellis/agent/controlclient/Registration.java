package dev.trellis.agent.controlclient;

import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One registration exchange on a channel: sends the {@link RegisterRequest}, passes an interim
 * response's {@code auth_url} to the caller (interactive login) and waits for the final response
 * (node id set, or an error code). The coordinator answers a pending interactive request with the
 * same {@code auth_url} again when its wait (about a minute) runs out; each such repeat is answered
 * with a follow-up request ({@code followup = auth_url}) so the wait continues. Map frames that
 * arrive meanwhile are ignored.
 *
 * <p>Thread-safety: stateless; runs on the caller's thread.
 */
public final class Registration {
  /** How long an interactive login may take before the agent gives up. */
  public static final Duration INTERACTIVE_TIMEOUT = Duration.ofMinutes(10);

  private Registration() {}

  /**
   * Registers and returns the final response (check its {@code error_code}).
   *
   * @throws IOException if the channel ends or no final answer comes in time
   */
  public static RegisterResponse run(
      ControlConnection conn,
      RegisterRequest request,
      Consumer<String> onAuthUrl,
      Duration firstAnswer)
      throws IOException, InterruptedException {
    conn.send(ClientMessage.newBuilder().setRegister(request).build());
    long deadline = System.nanoTime() + firstAnswer.toNanos();
    String shownUrl = null;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IOException(
            shownUrl == null
                ? "the coordinator did not answer the registration in time"
                : "the login at " + shownUrl + " was not completed in time");
      }
      ServerMessage m = conn.receive(Duration.ofNanos(left));
      if (m == null || !m.hasRegister()) {
        continue;
      }
      RegisterResponse r = m.getRegister();
      if (!r.getErrorCode().isEmpty() || !r.getNodeId().isEmpty()) {
        return r;
      }
      if (!r.getAuthUrl().isEmpty()) {
        if (shownUrl == null) {
          deadline = System.nanoTime() + INTERACTIVE_TIMEOUT.toNanos(); // the whole login
        }
        if (!r.getAuthUrl().equals(shownUrl)) {
          shownUrl = r.getAuthUrl();
          onAuthUrl.accept(shownUrl);
        } else {
          conn.send(
              ClientMessage.newBuilder()
                  .setRegister(request.toBuilder().setFollowup(shownUrl))
                  .build());
        }
      }
    }
  }
}
