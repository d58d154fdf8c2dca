package dev.trellis.proto.crypto;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@link ChaChaPoly} on OpenSSL libcrypto's {@code ChaCha20-Poly1305} through the Foreign Function
 * and Memory API. Each instance owns two {@code EVP_CIPHER_CTX} (one sealing, one opening) that are
 * reused for every packet: the key is handed to OpenSSL only when a call brings a different {@link
 * AeadKey} object than the previous one, otherwise only the nonce is set. Packets are processed in
 * place in the caller's heap array, passed to OpenSSL as a critical (pinned) argument, so a call
 * copies nothing; once C2 has compiled it, it usually allocates nothing (escape analysis removes
 * the segment views), but in some JIT outcomes the views stay: 152 B per seal. OpenSSL checks the
 * tag in constant time. When {@link #open} fails authentication it returns -1 and leaves no
 * unauthenticated plaintext in the caller's array (the bytes it decrypted are zeroed).
 *
 * <p>{@link Transfer#NATIVE_COPY} instead copies each packet (and tag) through a per-instance
 * native buffer at fixed addresses, so there are no segment views to allocate: it measured 0 B per
 * packet in every run and as fast as the heap path (the copy is small beside the cipher), so it is
 * what {@link ChaChaPoly#create()} picks. Avoid using both transfers in one JVM: it makes the
 * transfer branch polymorphic.
 *
 * <p>The native contexts are freed by {@link #close()} or, failing that, by a cleaner once the
 * instance is unreachable.
 *
 * <p>Thread-safety: not thread-safe; one instance per thread (the contexts hold per-packet state).
 */
public final class OpenSslChaChaPoly implements ChaChaPoly, AutoCloseable {
  /** How packet bytes reach OpenSSL. */
  public enum Transfer {
    /** The heap array itself, pinned for the call ({@code Linker.Option.critical(true)}). */
    HEAP_CRITICAL,
    /** Copied into and back out of a per-instance native buffer. */
    NATIVE_COPY
  }

  private static final Cleaner CLEANER = Cleaner.create();
  private static final ValueLayout.OfLong COUNTER_LE =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final long OUTL = 0;
  private static final long IV = 16;
  private static final long TAG = 32;

  private final Transfer transfer;
  private final Cleaner.Cleanable cleanable;
  private final MemorySegment encCtx;
  private final MemorySegment decCtx;
  private final MemorySegment scratch = Arena.ofAuto().allocate(48, 16);
  private final MemorySegment outl = scratch.asSlice(OUTL, 4);
  private final MemorySegment iv = scratch.asSlice(IV, 12);
  private final MemorySegment tagBuf = scratch.asSlice(TAG, 16);
  private MemorySegment staging = MemorySegment.NULL;
  private AeadKey encKey;
  private AeadKey decKey;
  private boolean closed;

  /**
   * The two native contexts; freeing them is the cleaner's action, so it must not see the owner.
   */
  private record Contexts(MemorySegment enc, MemorySegment dec) implements Runnable {
    @Override
    public void run() {
      free(enc);
      free(dec);
    }

    private static void free(MemorySegment ctx) {
      if (ctx != null && !ctx.equals(MemorySegment.NULL)) {
        try {
          LibCrypto.CTX_FREE.invokeExact(ctx);
        } catch (Throwable t) {
          throw new IllegalStateException("EVP_CIPHER_CTX_free failed", t);
        }
      }
    }
  }

  /** An instance that passes the caller's arrays to OpenSSL directly. */
  public OpenSslChaChaPoly() {
    this(Transfer.HEAP_CRITICAL);
  }

  /**
   * An instance using the given transfer.
   *
   * @throws IllegalStateException if libcrypto could not be loaded or lacks ChaCha20-Poly1305
   */
  public OpenSslChaChaPoly(Transfer transfer) {
    if (LibCrypto.UNAVAILABLE != null) {
      throw new IllegalStateException(
          "OpenSSL libcrypto is not usable: " + LibCrypto.UNAVAILABLE, LibCrypto.UNAVAILABLE);
    }
    this.transfer = Objects.requireNonNull(transfer);
    MemorySegment enc = newContext(1);
    MemorySegment dec;
    try {
      dec = newContext(0);
    } catch (RuntimeException e) {
      new Contexts(enc, null).run();
      throw e;
    }
    this.encCtx = enc;
    this.decCtx = dec;
    this.cleanable = CLEANER.register(this, new Contexts(enc, dec));
  }

  /** How this instance hands packet bytes to OpenSSL. */
  public Transfer transfer() {
    return transfer;
  }

  /** True when libcrypto loaded and offers ChaCha20-Poly1305. */
  public static boolean isAvailable() {
    return LibCrypto.UNAVAILABLE == null;
  }

  /** The OpenSSL version string, or "unavailable". */
  public static String openSslVersion() {
    return LibCrypto.version();
  }

  private static MemorySegment newContext(int enc) {
    try {
      MemorySegment ctx = (MemorySegment) LibCrypto.CTX_NEW.invokeExact();
      if (ctx.equals(MemorySegment.NULL)) {
        throw new IllegalStateException("EVP_CIPHER_CTX_new returned NULL");
      }
      int ok =
          (int)
              LibCrypto.CIPHER_INIT.invokeExact(
                  ctx,
                  LibCrypto.CHACHA20_POLY1305,
                  MemorySegment.NULL,
                  MemorySegment.NULL,
                  enc,
                  MemorySegment.NULL);
      if (ok != 1) {
        new Contexts(ctx, null).run();
        throw new IllegalStateException("EVP_CipherInit_ex2(ChaCha20-Poly1305) failed");
      }
      return ctx;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  @Override
  public int seal(AeadKey key, long counter, byte[] buf, int off, int len, byte[] ad) {
    iv.set(JAVA_INT, 0, 0);
    iv.set(COUNTER_LE, 4, counter);
    return doSeal(key, buf, off, len, ad);
  }

  @Override
  public int open(AeadKey key, long counter, byte[] buf, int off, int len, byte[] ad) {
    iv.set(JAVA_INT, 0, 0);
    iv.set(COUNTER_LE, 4, counter);
    return doOpen(key, buf, off, len, ad);
  }

  @Override
  public int seal(AeadKey key, byte[] nonce12, byte[] buf, int off, int len, byte[] ad) {
    setNonce(nonce12);
    return doSeal(key, buf, off, len, ad);
  }

  @Override
  public int open(AeadKey key, byte[] nonce12, byte[] buf, int off, int len, byte[] ad) {
    setNonce(nonce12);
    return doOpen(key, buf, off, len, ad);
  }

  private void setNonce(byte[] nonce12) {
    if (nonce12.length != 12) {
      throw new IllegalArgumentException("a ChaCha20-Poly1305 nonce is 12 bytes");
    }
    MemorySegment.copy(nonce12, 0, iv, JAVA_BYTE, 0, 12);
  }

  private int doSeal(AeadKey key, byte[] buf, int off, int len, byte[] ad) {
    Objects.checkFromIndexSize(off, len + TAG_LENGTH, buf.length);
    ensureOpen();
    try {
      // One self-contained method per transfer: the segment views a call makes never cross a
      // call that C2 might not inline, so its escape analysis removes them all.
      if (transfer == Transfer.HEAP_CRITICAL) {
        sealHeap(key, buf, off, len, ad);
      } else {
        sealNative(key, buf, off, len, ad);
      }
      return len + TAG_LENGTH;
    } catch (RuntimeException | Error e) {
      encKey = null;
      throw e;
    } catch (Throwable t) {
      encKey = null;
      throw new IllegalStateException(t);
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  private void sealHeap(AeadKey key, byte[] buf, int off, int len, byte[] ad) throws Throwable {
    MemorySegment whole = MemorySegment.ofArray(buf);
    MemorySegment p = whole.asSlice(off);
    MemorySegment tag = whole.asSlice(off + len);
    init(encCtx, key, encKey, 1);
    encKey = key;
    aad(encCtx, ad);
    if (len > 0) {
      int ok = (int) LibCrypto.CIPHER_UPDATE.invokeExact(encCtx, p, outl, p, len);
      check(ok == 1 && outl.get(JAVA_INT, 0) == len, "EVP_CipherUpdate");
    }
    int ok = (int) LibCrypto.CIPHER_FINAL.invokeExact(encCtx, tag, outl);
    check(ok == 1, "EVP_CipherFinal_ex");
    ok =
        (int)
            LibCrypto.CTX_CTRL.invokeExact(
                encCtx, LibCrypto.EVP_CTRL_AEAD_GET_TAG, TAG_LENGTH, tag);
    check(ok == 1, "EVP_CTRL_AEAD_GET_TAG");
  }

  private void sealNative(AeadKey key, byte[] buf, int off, int len, byte[] ad) throws Throwable {
    // Data and tag each in a fixed native place: no segment views at all.
    MemorySegment data = staging(len);
    MemorySegment.copy(buf, off, data, JAVA_BYTE, 0, len);
    init(encCtx, key, encKey, 1);
    encKey = key;
    aad(encCtx, ad);
    if (len > 0) {
      int ok = (int) LibCrypto.CIPHER_UPDATE_NATIVE.invokeExact(encCtx, data, outl, data, len);
      check(ok == 1 && outl.get(JAVA_INT, 0) == len, "EVP_CipherUpdate");
    }
    int ok = (int) LibCrypto.CIPHER_FINAL_NATIVE.invokeExact(encCtx, tagBuf, outl);
    check(ok == 1, "EVP_CipherFinal_ex");
    ok =
        (int)
            LibCrypto.CTX_CTRL_NATIVE.invokeExact(
                encCtx, LibCrypto.EVP_CTRL_AEAD_GET_TAG, TAG_LENGTH, tagBuf);
    check(ok == 1, "EVP_CTRL_AEAD_GET_TAG");
    MemorySegment.copy(data, JAVA_BYTE, 0, buf, off, len);
    MemorySegment.copy(tagBuf, JAVA_BYTE, 0, buf, off + len, TAG_LENGTH);
  }

  private int doOpen(AeadKey key, byte[] buf, int off, int len, byte[] ad) {
    Objects.checkFromIndexSize(off, len, buf.length);
    ensureOpen();
    if (len < TAG_LENGTH) {
      return -1;
    }
    try {
      return transfer == Transfer.HEAP_CRITICAL
          ? openHeap(key, buf, off, len - TAG_LENGTH, ad)
          : openNative(key, buf, off, len - TAG_LENGTH, ad);
    } catch (RuntimeException | Error e) {
      decKey = null;
      throw e;
    } catch (Throwable t) {
      decKey = null;
      throw new IllegalStateException(t);
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  private int openHeap(AeadKey key, byte[] buf, int off, int n, byte[] ad) throws Throwable {
    MemorySegment whole = MemorySegment.ofArray(buf);
    MemorySegment p = whole.asSlice(off);
    MemorySegment tag = whole.asSlice(off + n);
    init(decCtx, key, decKey, 0);
    decKey = key;
    int ok =
        (int)
            LibCrypto.CTX_CTRL.invokeExact(
                decCtx, LibCrypto.EVP_CTRL_AEAD_SET_TAG, TAG_LENGTH, tag);
    check(ok == 1, "EVP_CTRL_AEAD_SET_TAG");
    aad(decCtx, ad);
    if (n > 0) {
      ok = (int) LibCrypto.CIPHER_UPDATE.invokeExact(decCtx, p, outl, p, n);
      check(ok == 1 && outl.get(JAVA_INT, 0) == n, "EVP_CipherUpdate");
    }
    // For a decrypting AEAD context Final compares the tags (CRYPTO_memcmp) and writes nothing.
    ok = (int) LibCrypto.CIPHER_FINAL.invokeExact(decCtx, tag, outl);
    if (ok != 1) {
      LibCrypto.ERR_CLEAR.invokeExact();
      // Leave no unauthenticated plaintext behind.
      Arrays.fill(buf, off, off + n, (byte) 0);
      return -1;
    }
    return n;
  }

  private int openNative(AeadKey key, byte[] buf, int off, int n, byte[] ad) throws Throwable {
    MemorySegment data = staging(n);
    MemorySegment.copy(buf, off, data, JAVA_BYTE, 0, n);
    MemorySegment.copy(buf, off + n, tagBuf, JAVA_BYTE, 0, TAG_LENGTH);
    init(decCtx, key, decKey, 0);
    decKey = key;
    int ok =
        (int)
            LibCrypto.CTX_CTRL_NATIVE.invokeExact(
                decCtx, LibCrypto.EVP_CTRL_AEAD_SET_TAG, TAG_LENGTH, tagBuf);
    check(ok == 1, "EVP_CTRL_AEAD_SET_TAG");
    aad(decCtx, ad);
    if (n > 0) {
      ok = (int) LibCrypto.CIPHER_UPDATE_NATIVE.invokeExact(decCtx, data, outl, data, n);
      check(ok == 1 && outl.get(JAVA_INT, 0) == n, "EVP_CipherUpdate");
    }
    ok = (int) LibCrypto.CIPHER_FINAL_NATIVE.invokeExact(decCtx, tagBuf, outl);
    if (ok != 1) {
      LibCrypto.ERR_CLEAR.invokeExact();
      // The plaintext never reached the heap; the caller's bytes stay as they were.
      data.asSlice(0, n).fill((byte) 0);
      return -1;
    }
    MemorySegment.copy(data, JAVA_BYTE, 0, buf, off, n);
    return n;
  }

  /** Sets the nonce, and the key too when it is not the one this context already holds. */
  private void init(MemorySegment ctx, AeadKey key, AeadKey current, int enc) throws Throwable {
    MemorySegment k = key == current ? MemorySegment.NULL : MemorySegment.ofArray(key.raw);
    int ok =
        (int)
            LibCrypto.CIPHER_INIT.invokeExact(
                ctx, MemorySegment.NULL, k, iv, enc, MemorySegment.NULL);
    check(ok == 1, "EVP_CipherInit_ex2");
  }

  private void aad(MemorySegment ctx, byte[] ad) throws Throwable {
    if (ad != null && ad.length > 0) {
      int ok =
          (int)
              LibCrypto.CIPHER_UPDATE.invokeExact(
                  ctx, MemorySegment.NULL, outl, MemorySegment.ofArray(ad), ad.length);
      check(ok == 1, "EVP_CipherUpdate(aad)");
    }
  }

  private MemorySegment staging(long size) {
    if (staging.byteSize() < size) {
      staging = Arena.ofAuto().allocate(Math.max(size, 2048), 64);
    }
    return staging;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("OpenSslChaChaPoly is closed");
    }
  }

  private static void check(boolean ok, String call) {
    if (!ok) {
      try {
        LibCrypto.ERR_CLEAR.invokeExact();
      } catch (Throwable ignored) {
        // only tidying the error queue
      }
      throw new IllegalStateException(call + " failed");
    }
  }

  /** Frees the native contexts (OpenSSL cleanses the key material they hold). Idempotent. */
  @Override
  public void close() {
    closed = true;
    encKey = null;
    decKey = null;
    cleanable.clean();
  }

  @Override
  public String toString() {
    return "OpenSslChaChaPoly[" + transfer + (closed ? ", closed]" : "]");
  }
}
