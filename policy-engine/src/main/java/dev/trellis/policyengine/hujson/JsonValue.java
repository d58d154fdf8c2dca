package dev.trellis.policyengine.hujson;

import java.util.List;
import java.util.Optional;

/**
 * A parsed HuJSON value that remembers where it starts in the source text, so that every later
 * problem (an unknown group, a bad port) can be reported at its line and column.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface JsonValue {
  /** Where the value starts. */
  Position pos();

  /** A short name of the value's kind for error messages ("string", "array", ...). */
  String kind();

  /** A string value. */
  record Str(String value, Position pos) implements JsonValue {
    @Override
    public String kind() {
      return "string";
    }
  }

  /** A number, kept as its source text (policies only use small integers). */
  record Num(String text, Position pos) implements JsonValue {
    @Override
    public String kind() {
      return "number";
    }
  }

  /** true or false. */
  record Bool(boolean value, Position pos) implements JsonValue {
    @Override
    public String kind() {
      return "boolean";
    }
  }

  /** null. */
  record Null(Position pos) implements JsonValue {
    @Override
    public String kind() {
      return "null";
    }
  }

  /** An array. */
  record Arr(List<JsonValue> items, Position pos) implements JsonValue {
    public Arr {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "array";
    }
  }

  /** An object member: its key, the key's position, and its value. */
  record Member(String key, Position keyPos, JsonValue value) {}

  /** An object; members in source order, keys unique. */
  record Obj(List<Member> members, Position pos) implements JsonValue {
    public Obj {
      members = List.copyOf(members);
    }

    /** The member with this key, if present. */
    public Optional<Member> member(String key) {
      for (Member m : members) {
        if (m.key().equals(key)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }

    @Override
    public String kind() {
      return "object";
    }
  }
}
