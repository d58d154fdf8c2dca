package dev.trellis.proto.crypto;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The handful of OpenSSL libcrypto EVP calls that ChaCha20-Poly1305 needs, bound through the
 * Foreign Function and Memory API. The library is looked up as {@code libcrypto.so.3} (Debian's
 * libssl3), then {@code libcrypto.so}. If neither loads, or a symbol is missing, {@link
 * #UNAVAILABLE} holds the reason and no handle may be used.
 *
 * <p>The per-packet calls are bound with {@code Linker.Option.critical(true)}, so they take heap
 * arrays directly (no copy, no allocation). They are short, never block, and never call back into
 * Java, which is what a critical call requires.
 *
 * <p>Thread-safety: stateless and immutable; every handle may be called from any thread (the {@code
 * EVP_CIPHER_CTX} passed to them is the caller's to confine).
 */
final class LibCrypto {
  static final int EVP_CTRL_AEAD_GET_TAG = 0x10;
  static final int EVP_CTRL_AEAD_SET_TAG = 0x11;

  /** Why libcrypto could not be bound, or null when it was. */
  static final Throwable UNAVAILABLE;

  /** {@code EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void)}. */
  static final MethodHandle CTX_NEW;

  /** {@code void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX*)}. */
  static final MethodHandle CTX_FREE;

  /**
   * {@code int EVP_CipherInit_ex2(ctx, cipher, const uchar *key, const uchar *iv, enc, params)}.
   */
  static final MethodHandle CIPHER_INIT;

  /** {@code int EVP_CipherUpdate(ctx, uchar *out, int *outl, const uchar *in, int inl)}. */
  static final MethodHandle CIPHER_UPDATE;

  /** {@code int EVP_CipherFinal_ex(ctx, uchar *out, int *outl)}. */
  static final MethodHandle CIPHER_FINAL;

  /** {@code int EVP_CIPHER_CTX_ctrl(ctx, int type, int arg, void *ptr)}. */
  static final MethodHandle CTX_CTRL;

  /**
   * {@link #CIPHER_UPDATE}, {@link #CIPHER_FINAL} and {@link #CTX_CTRL} bound again for native
   * segments only ({@code critical(false)}). A caller that passes native buffers uses these, so the
   * heap-array handles' type profiles stay clean and C2 keeps removing the heap segment views.
   */
  static final MethodHandle CIPHER_UPDATE_NATIVE;

  /** See {@link #CIPHER_UPDATE_NATIVE}. */
  static final MethodHandle CIPHER_FINAL_NATIVE;

  /** See {@link #CIPHER_UPDATE_NATIVE}. */
  static final MethodHandle CTX_CTRL_NATIVE;

  /** {@code void ERR_clear_error(void)}: drops this thread's OpenSSL error queue. */
  static final MethodHandle ERR_CLEAR;

  /** {@code const char *OpenSSL_version(int)}. */
  static final MethodHandle VERSION;

  /** The fetched ChaCha20-Poly1305 cipher (never freed: one per process), or NULL. */
  static final MemorySegment CHACHA20_POLY1305;

  static {
    Throwable failure = null;
    MethodHandle fetch = null;
    MethodHandle ctxNew = null;
    MethodHandle ctxFree = null;
    MethodHandle init = null;
    MethodHandle update = null;
    MethodHandle fin = null;
    MethodHandle ctrl = null;
    MethodHandle updateNative = null;
    MethodHandle finNative = null;
    MethodHandle ctrlNative = null;
    MethodHandle errClear = null;
    MethodHandle version = null;
    MemorySegment cipher = MemorySegment.NULL;
    try {
      Linker linker = Linker.nativeLinker();
      SymbolLookup lib = open();
      Linker.Option critical = Linker.Option.critical(true);
      fetch =
          bind(
              linker,
              lib,
              "EVP_CIPHER_fetch",
              FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
      ctxNew = bind(linker, lib, "EVP_CIPHER_CTX_new", FunctionDescriptor.of(ADDRESS));
      ctxFree = bind(linker, lib, "EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
      init =
          bind(
              linker,
              lib,
              "EVP_CipherInit_ex2",
              FunctionDescriptor.of(
                  JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS),
              critical);
      update =
          bind(
              linker,
              lib,
              "EVP_CipherUpdate",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT),
              critical);
      fin =
          bind(
              linker,
              lib,
              "EVP_CipherFinal_ex",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
              critical);
      ctrl =
          bind(
              linker,
              lib,
              "EVP_CIPHER_CTX_ctrl",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
              critical);
      Linker.Option nativeOnly = Linker.Option.critical(false);
      updateNative =
          bind(
              linker,
              lib,
              "EVP_CipherUpdate",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT),
              nativeOnly);
      finNative =
          bind(
              linker,
              lib,
              "EVP_CipherFinal_ex",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
              nativeOnly);
      ctrlNative =
          bind(
              linker,
              lib,
              "EVP_CIPHER_CTX_ctrl",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
              nativeOnly);
      errClear = bind(linker, lib, "ERR_clear_error", FunctionDescriptor.ofVoid());
      version = bind(linker, lib, "OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));
      try (Arena arena = Arena.ofConfined()) {
        cipher =
            (MemorySegment)
                fetch.invokeExact(
                    MemorySegment.NULL,
                    arena.allocateFrom("ChaCha20-Poly1305"),
                    MemorySegment.NULL);
      }
      if (cipher.equals(MemorySegment.NULL)) {
        throw new IllegalStateException("EVP_CIPHER_fetch(ChaCha20-Poly1305) returned NULL");
      }
    } catch (Throwable t) {
      failure = t;
    }
    UNAVAILABLE = failure;
    CTX_NEW = ctxNew;
    CTX_FREE = ctxFree;
    CIPHER_INIT = init;
    CIPHER_UPDATE = update;
    CIPHER_FINAL = fin;
    CTX_CTRL = ctrl;
    CIPHER_UPDATE_NATIVE = updateNative;
    CIPHER_FINAL_NATIVE = finNative;
    CTX_CTRL_NATIVE = ctrlNative;
    ERR_CLEAR = errClear;
    VERSION = version;
    CHACHA20_POLY1305 = cipher;
  }

  private LibCrypto() {}

  private static SymbolLookup open() {
    // The library stays loaded for the life of the process: a global arena.
    try {
      return SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
    } catch (IllegalArgumentException first) {
      try {
        return SymbolLookup.libraryLookup("libcrypto.so", Arena.global());
      } catch (IllegalArgumentException second) {
        second.addSuppressed(first);
        throw second;
      }
    }
  }

  private static MethodHandle bind(
      Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd, Linker.Option... opts) {
    MemorySegment sym =
        lib.find(name).orElseThrow(() -> new IllegalStateException("libcrypto has no " + name));
    return linker.downcallHandle(sym, fd, opts);
  }

  /** OpenSSL's version string, e.g. {@code "OpenSSL 3.0.19 27 Jan 2026"}, or "unknown". */
  static String version() {
    if (UNAVAILABLE != null) {
      return "unavailable";
    }
    try {
      MemorySegment s = (MemorySegment) VERSION.invokeExact(0);
      return s.reinterpret(256).getString(0);
    } catch (Throwable t) {
      return "unknown";
    }
  }
}
