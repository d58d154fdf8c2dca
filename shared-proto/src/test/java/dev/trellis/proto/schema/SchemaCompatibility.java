package dev.trellis.proto.schema;

import com.google.protobuf.DescriptorProtos.EnumDescriptorProto.EnumReservedRange;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.trellis.proto.schema.SchemaSnapshot.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test support: decides whether a current schema is a backward-compatible evolution of a snapshot.
 * Allowed: new messages, enums, fields and values. Refused: a message or enum that disappears; a
 * field number (or enum number) reused with another type or another name; a field or value that
 * disappears without both its number and its name being reserved.
 *
 * <p>Thread-safety: stateless.
 */
public final class SchemaCompatibility {
  private SchemaCompatibility() {}

  /** Every incompatibility of {@code current} with {@code snapshot}; empty when compatible. */
  public static List<String> check(List<Entry> snapshot, List<FileDescriptor> current) {
    Map<String, Descriptor> messages = new HashMap<>();
    Map<String, EnumDescriptor> enums = new HashMap<>();
    for (FileDescriptor f : current) {
      f.getEnumTypes().forEach(e -> enums.put(e.getFullName(), e));
      f.getMessageTypes().forEach(d -> index(d, messages, enums));
    }
    List<String> problems = new ArrayList<>();
    for (Entry e : snapshot) {
      if (e.isEnumValue()) {
        checkEnumValue(e, enums.get(e.container()), problems);
      } else {
        checkField(e, messages.get(e.container()), problems);
      }
    }
    return problems;
  }

  private static void index(
      Descriptor d, Map<String, Descriptor> messages, Map<String, EnumDescriptor> enums) {
    messages.put(d.getFullName(), d);
    d.getEnumTypes().forEach(e -> enums.put(e.getFullName(), e));
    d.getNestedTypes().forEach(n -> index(n, messages, enums));
  }

  private static void checkField(Entry e, Descriptor message, List<String> problems) {
    if (message == null) {
      problems.add(
          "message " + e.container() + " disappeared (messages are never removed: deprecate it)");
      return;
    }
    FieldDescriptor now = message.findFieldByNumber(e.number());
    if (now != null) {
      String type = SchemaSnapshot.typeOf(now);
      if (!type.equals(e.type())) {
        problems.add(
            e + ": field number " + e.number() + " now has type " + type + " (add a new field)");
      }
      if (!now.getName().equals(e.name())) {
        problems.add(
            e + ": field " + e.number() + " renamed to " + now.getName() + " (breaks JSON)");
      }
      return;
    }
    if (!message.isReservedNumber(e.number())) {
      problems.add(e + ": field removed without reserving number " + e.number());
    }
    if (!message.isReservedName(e.name())) {
      problems.add(e + ": field removed without reserving name \"" + e.name() + "\"");
    }
  }

  private static void checkEnumValue(Entry e, EnumDescriptor enumType, List<String> problems) {
    if (enumType == null) {
      problems.add("enum " + e.container() + " disappeared (enums are never removed)");
      return;
    }
    EnumValueDescriptor now = enumType.findValueByNumber(e.number());
    if (now != null) {
      if (!now.getName().equals(e.name())) {
        problems.add(e + ": enum number " + e.number() + " renamed to " + now.getName());
      }
      return;
    }
    boolean numberReserved = false;
    for (EnumReservedRange r : enumType.toProto().getReservedRangeList()) {
      numberReserved |= e.number() >= r.getStart() && e.number() <= r.getEnd(); // end inclusive
    }
    if (!numberReserved) {
      problems.add(e + ": enum value removed without reserving number " + e.number());
    }
    if (!enumType.toProto().getReservedNameList().contains(e.name())) {
      problems.add(e + ": enum value removed without reserving name \"" + e.name() + "\"");
    }
  }
}
