package dev.trellis.proto.channel;

/**
 * One side's record cipher after the handshake: {@link #seal} encrypts the next outgoing record
 * with the sending key and counter, {@link #open} decrypts the next incoming one with the receiving
 * key and counter (layout in {@link ControlChannel}). After a failed {@link #open} the receiving
 * direction stays broken: the channel must be closed.
 *
 * <p>Thread-safety: thread-safe; sealing and opening each hold their own lock, so one thread may
 * seal while another opens. Records are sealed in the order they must be sent: a caller that seals
 * on several threads must also send in sealing order.
 */
public final class TransportCipher {
  private final Object sendLock = new Object();
  private final CipherState send; // guarded by sendLock
  private final Object receiveLock = new Object();
  private final CipherState receive; // guarded by receiveLock
  private boolean receiveBroken; // guarded by receiveLock

  TransportCipher(byte[] sendKey, byte[] receiveKey) {
    this(new CipherState(sendKey), new CipherState(receiveKey));
  }

  TransportCipher(CipherState send, CipherState receive) {
    this.send = send;
    this.receive = receive;
  }

  /** Encrypts {@code plaintext} as the next record (throws if it would exceed 4 MiB). */
  public byte[] seal(byte[] plaintext) throws ChannelException {
    checkSize(plaintext.length);
    synchronized (sendLock) {
      return send.encrypt(new byte[0], plaintext);
    }
  }

  /**
   * Encrypts the concatenation of {@code parts} as the next record, as {@link #seal} would their
   * joined bytes, without joining them first.
   */
  public byte[] sealParts(byte[]... parts) throws ChannelException {
    long length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    checkSize(length);
    synchronized (sendLock) {
      return send.encryptParts(parts);
    }
  }

  private static void checkSize(long plaintextLength) throws ChannelException {
    if (plaintextLength > ControlChannel.MAX_RECORD_BYTES - CipherState.TAG_LEN) {
      throw new ChannelException(
          ChannelException.Reason.TOO_LARGE,
          "a record of "
              + plaintextLength
              + " bytes exceeds the "
              + ControlChannel.MAX_RECORD_BYTES
              + "-byte limit");
    }
  }

  /** Decrypts the next incoming record; any failure breaks the receiving direction. */
  public byte[] open(byte[] record) throws ChannelException {
    if (record == null || record.length > ControlChannel.MAX_RECORD_BYTES) {
      synchronized (receiveLock) {
        receiveBroken = true;
      }
      throw new ChannelException(
          ChannelException.Reason.TOO_LARGE,
          "a record of "
              + (record == null ? 0 : record.length)
              + " bytes exceeds the "
              + ControlChannel.MAX_RECORD_BYTES
              + "-byte limit");
    }
    synchronized (receiveLock) {
      if (receiveBroken) {
        throw new ChannelException(
            ChannelException.Reason.BROKEN, "the channel already refused a record");
      }
      try {
        return receive.decrypt(new byte[0], record);
      } catch (ChannelException e) {
        receiveBroken = true;
        throw e;
      }
    }
  }

  /** Records sealed so far (the next sending counter). */
  public long sealedCount() {
    synchronized (sendLock) {
      return send.nonce();
    }
  }

  /** Records opened so far (the next receiving counter). */
  public long openedCount() {
    synchronized (receiveLock) {
      return receive.nonce();
    }
  }
}
