package dev.trellis.policyengine.hujson;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses HuJSON — JSON plus {@code //} and {@code /* *}{@code /} comments and trailing commas in
 * arrays and objects — into a {@link JsonValue} tree with a position on every value.
 *
 * <p>Refuses, with the line and column: malformed tokens, unterminated strings or comments, raw
 * control characters in strings, duplicate object keys, nesting deeper than {@value #MAX_DEPTH},
 * texts longer than {@value #MAX_CHARS} chars, and anything after the top-level value. Never throws
 * anything but {@link HuJsonException} for bad input.
 *
 * <p>Thread-safety: instances are single-use and confined to one thread; {@link #parse} is safe to
 * call from any thread.
 */
public final class HuJsonParser {
  /** Deepest nesting accepted; policies need about five levels. */
  public static final int MAX_DEPTH = 64;

  /** Longest document accepted (4 MiB chars). */
  public static final int MAX_CHARS = 4 << 20;

  private final String text;
  private int at;
  private int line = 1;
  private int lineStart;

  private HuJsonParser(String text) {
    this.text = text;
  }

  /** Parses one HuJSON document. */
  public static JsonValue parse(String text) throws HuJsonException {
    if (text.length() > MAX_CHARS) {
      throw new HuJsonException(new Position(1, 1), "document longer than " + MAX_CHARS + " chars");
    }
    HuJsonParser p = new HuJsonParser(text);
    if (text.startsWith("\uFEFF")) {
      // A byte-order mark some editors write; not part of the document, not counted as a column.
      p.at = 1;
      p.lineStart = 1;
    }
    p.skipSpace();
    JsonValue v = p.value(0);
    p.skipSpace();
    if (p.at < text.length()) {
      throw p.error("unexpected '" + p.describe(text.charAt(p.at)) + "' after the document");
    }
    return v;
  }

  private Position here() {
    return new Position(line, at - lineStart + 1);
  }

  private HuJsonException error(String message) {
    return new HuJsonException(here(), message);
  }

  private String describe(char c) {
    return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
  }

  private void newline() {
    line++;
    lineStart = at;
  }

  private void skipSpace() throws HuJsonException {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '\n') {
        at++;
        newline();
      } else if (c == ' ' || c == '\t' || c == '\r') {
        at++;
      } else if (c == '/' && at + 1 < text.length() && text.charAt(at + 1) == '/') {
        while (at < text.length() && text.charAt(at) != '\n') {
          at++;
        }
      } else if (c == '/' && at + 1 < text.length() && text.charAt(at + 1) == '*') {
        Position start = here();
        at += 2;
        while (true) {
          if (at >= text.length()) {
            throw new HuJsonException(start, "unterminated /* comment");
          }
          char d = text.charAt(at++);
          if (d == '\n') {
            newline();
          } else if (d == '*' && at < text.length() && text.charAt(at) == '/') {
            at++;
            break;
          }
        }
      } else {
        return;
      }
    }
  }

  private JsonValue value(int depth) throws HuJsonException {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    if (at >= text.length()) {
      throw error("unexpected end of document, expected a value");
    }
    Position pos = here();
    char c = text.charAt(at);
    return switch (c) {
      case '{' -> object(pos, depth);
      case '[' -> array(pos, depth);
      case '"' -> new JsonValue.Str(string(), pos);
      case 't' -> literal("true", new JsonValue.Bool(true, pos));
      case 'f' -> literal("false", new JsonValue.Bool(false, pos));
      case 'n' -> literal("null", new JsonValue.Null(pos));
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number(pos);
        }
        throw error("unexpected '" + describe(c) + "', expected a value");
      }
    };
  }

  private JsonValue literal(String word, JsonValue v) throws HuJsonException {
    if (!text.startsWith(word, at)) {
      throw error("unknown word, expected a value");
    }
    at += word.length();
    return v;
  }

  private JsonValue number(Position pos) throws HuJsonException {
    int start = at;
    if (text.charAt(at) == '-') {
      at++;
    }
    int digits = digits();
    if (digits == 0) {
      throw error("malformed number");
    }
    if (digits > 1 && text.charAt(at - digits) == '0') {
      throw new HuJsonException(pos, "malformed number: leading zero");
    }
    if (at < text.length() && text.charAt(at) == '.') {
      at++;
      if (digits() == 0) {
        throw error("malformed number: digits expected after '.'");
      }
    }
    if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
      at++;
      if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
        at++;
      }
      if (digits() == 0) {
        throw error("malformed number: digits expected in exponent");
      }
    }
    return new JsonValue.Num(text.substring(start, at), pos);
  }

  private int digits() {
    int n = 0;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
      n++;
    }
    return n;
  }

  private String string() throws HuJsonException {
    Position start = here();
    at++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (at >= text.length()) {
        throw new HuJsonException(start, "unterminated string");
      }
      char c = text.charAt(at);
      if (c == '"') {
        at++;
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character " + describe(c) + " in string (escape it)");
      }
      if (c != '\\') {
        sb.append(c);
        at++;
        continue;
      }
      if (at + 1 >= text.length()) {
        throw new HuJsonException(start, "unterminated string");
      }
      char e = text.charAt(at + 1);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (at + 6 > text.length()) {
            throw error("truncated \\u escape");
          }
          int cp = 0;
          for (int i = at + 2; i < at + 6; i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) {
              throw error("malformed \\u escape");
            }
            cp = cp * 16 + d;
          }
          sb.append((char) cp);
          at += 4;
        }
        default -> throw error("unknown escape \\" + describe(e));
      }
      at += 2;
    }
  }

  private JsonValue array(Position pos, int depth) throws HuJsonException {
    at++;
    List<JsonValue> items = new ArrayList<>();
    while (true) {
      skipSpace();
      if (at < text.length() && text.charAt(at) == ']') {
        at++;
        return new JsonValue.Arr(items, pos);
      }
      items.add(value(depth + 1));
      skipSpace();
      if (at >= text.length()) {
        throw new HuJsonException(pos, "unterminated array");
      }
      char c = text.charAt(at);
      if (c == ',') {
        at++;
      } else if (c != ']') {
        throw error("expected ',' or ']' in array, found '" + describe(c) + "'");
      }
    }
  }

  private JsonValue object(Position pos, int depth) throws HuJsonException {
    at++;
    List<JsonValue.Member> members = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    while (true) {
      skipSpace();
      if (at >= text.length()) {
        throw new HuJsonException(pos, "unterminated object");
      }
      if (text.charAt(at) == '}') {
        at++;
        return new JsonValue.Obj(members, pos);
      }
      if (text.charAt(at) != '"') {
        throw error("expected a quoted key or '}', found '" + describe(text.charAt(at)) + "'");
      }
      Position keyPos = here();
      String key = string();
      if (!keys.add(key)) {
        throw new HuJsonException(keyPos, "duplicate key \"" + key + "\"");
      }
      skipSpace();
      if (at >= text.length() || text.charAt(at) != ':') {
        throw error("expected ':' after key \"" + key + "\"");
      }
      at++;
      skipSpace();
      members.add(new JsonValue.Member(key, keyPos, value(depth + 1)));
      skipSpace();
      if (at >= text.length()) {
        throw new HuJsonException(pos, "unterminated object");
      }
      char c = text.charAt(at);
      if (c == ',') {
        at++;
      } else if (c != '}') {
        throw error("expected ',' or '}' in object, found '" + describe(c) + "'");
      }
    }
  }
}
