package dev.trellis.proto.stun;

import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * What {@link StunDecoder#decode} made of a datagram: one record per message it understands, or the
 * refusal. Refusals are shared constants, so a bad datagram costs no allocation.
 *
 * <p>Thread-safety: immutable records.
 */
public sealed interface StunResult {
  /**
   * A binding request.
   *
   * @param transactionId the id to echo in the response
   */
  record BindingRequest(TransactionId transactionId) implements StunResult {}

  /**
   * A binding success response.
   *
   * @param transactionId the id of the request it answers
   * @param mapped the address and port the server saw the request come from (XOR-MAPPED-ADDRESS, or
   *     MAPPED-ADDRESS when that is the only one)
   */
  record BindingResponse(TransactionId transactionId, InetSocketAddress mapped)
      implements StunResult {}

  /**
   * Not a message to act on, and why.
   *
   * @param reason the counter label
   */
  record Refused(StunRefusal reason) implements StunResult {
    private static final Refused[] ALL =
        Arrays.stream(StunRefusal.values()).map(Refused::new).toArray(Refused[]::new);

    /** The shared instance for {@code reason}. */
    public static Refused of(StunRefusal reason) {
      return ALL[reason.ordinal()];
    }
  }
}
