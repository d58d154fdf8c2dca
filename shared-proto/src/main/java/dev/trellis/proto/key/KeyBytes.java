package dev.trellis.proto.key;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Parsing and formatting shared by the key types: every key is 32 bytes, written either as {@code
 * prefix:hex} (Trellis's own text form, which says what kind of key it is) or as standard base64
 * (the form WireGuard configuration files use).
 *
 * <p>Thread-safety: stateless.
 */
final class KeyBytes {
  static final int LENGTH = 32;

  private KeyBytes() {}

  static byte[] copy(byte[] raw, String kind) {
    if (raw == null || raw.length != LENGTH) {
      throw new IllegalArgumentException(
          kind + " must be " + LENGTH + " bytes, got " + (raw == null ? "none" : raw.length));
    }
    return raw.clone();
  }

  static byte[] parsePrefixed(String text, String prefix, String kind) {
    if (text == null || !text.startsWith(prefix)) {
      throw new IllegalArgumentException(kind + " must start with '" + prefix + "'");
    }
    String hex = text.substring(prefix.length());
    if (hex.length() != LENGTH * 2) {
      throw new IllegalArgumentException(
          kind + " must have " + (LENGTH * 2) + " hex digits after '" + prefix + "'");
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(kind + " is not valid hex", e);
    }
  }

  static byte[] parseBase64(String text, String kind) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(text == null ? "" : text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(kind + " is not valid base64", e);
    }
    if (raw.length != LENGTH) {
      throw new IllegalArgumentException(
          kind + " must decode to " + LENGTH + " bytes, got " + raw.length);
    }
    return raw;
  }

  static String prefixed(String prefix, byte[] raw) {
    return prefix + HexFormat.of().formatHex(raw);
  }

  static String base64(byte[] raw) {
    return Base64.getEncoder().encodeToString(raw);
  }

  static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }
}
