package dev.trellis.proto.stun;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What {@link StunDecoder#decode} made of a datagram: one record per message it understands, or the
 * refusal. Refusals are shared constants, so a bad datagram costs no allocation.
 *
 * <p>Thread-safety: immutable records (the transaction id is copied in and out).
 */
public sealed interface StunResult {
  /**
   * A binding request.
   *
   * @param transactionId the 12-byte transaction id to echo
   */
  record BindingRequest(byte[] transactionId) implements StunResult {
    public BindingRequest {
      transactionId = transactionId.clone();
    }

    @Override
    public byte[] transactionId() {
      return transactionId.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BindingRequest r && Arrays.equals(transactionId, r.transactionId);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(transactionId);
    }

    @Override
    public String toString() {
      return "BindingRequest[" + HexFormat.of().formatHex(transactionId) + "]";
    }
  }

  /**
   * A binding success response.
   *
   * @param transactionId the 12-byte transaction id of the request it answers
   * @param mapped the address and port the server saw the request come from (XOR-MAPPED-ADDRESS, or
   *     MAPPED-ADDRESS when that is the only one)
   */
  record BindingResponse(byte[] transactionId, InetSocketAddress mapped) implements StunResult {
    public BindingResponse {
      transactionId = transactionId.clone();
    }

    @Override
    public byte[] transactionId() {
      return transactionId.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BindingResponse r
          && Arrays.equals(transactionId, r.transactionId)
          && mapped.equals(r.mapped);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(transactionId) * 31 + mapped.hashCode();
    }

    @Override
    public String toString() {
      return "BindingResponse[" + HexFormat.of().formatHex(transactionId) + ", " + mapped + "]";
    }
  }

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
