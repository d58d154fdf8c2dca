package dev.trellis.proto.schema;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Test support: the text form of a schema's wire contract, one line per field and enum value:
 *
 * <pre>
 * trellis.control.v1.Node.addresses = 4:repeated string
 * trellis.control.v1.Node.online = 11:optional bool
 * trellis.control.v1.RelayMap.regions = 1:map&lt;uint32,trellis.control.v1.RelayRegion&gt;
 * trellis.event.v1.Actor.Kind.USER = 1:enum-value
 * </pre>
 *
 * Lines starting with '#' are comments. {@link SchemaCompatibility} compares a checked-in snapshot
 * with the current descriptors.
 *
 * <p>Thread-safety: stateless.
 */
public final class SchemaSnapshot {
  /** The type token of an enum value line. */
  public static final String ENUM_VALUE = "enum-value";

  /** One line: a field (or enum value) of a message (or enum), its number and type. */
  public record Entry(String container, String name, int number, String type) {
    /** Whether this is an enum value rather than a message field. */
    public boolean isEnumValue() {
      return type.equals(ENUM_VALUE);
    }

    @Override
    public String toString() {
      return container + "." + name + " = " + number + ":" + type;
    }
  }

  private SchemaSnapshot() {}

  /** Every field and enum value of the files, in declaration order. */
  public static List<Entry> of(List<FileDescriptor> files) {
    List<Entry> out = new ArrayList<>();
    for (FileDescriptor f : files) {
      for (EnumDescriptor e : f.getEnumTypes()) {
        addEnum(e, out);
      }
      for (Descriptor d : f.getMessageTypes()) {
        addMessage(d, out);
      }
    }
    return out;
  }

  private static void addMessage(Descriptor d, List<Entry> out) {
    if (d.getOptions().getMapEntry()) {
      return;
    }
    for (FieldDescriptor f : d.getFields()) {
      out.add(new Entry(d.getFullName(), f.getName(), f.getNumber(), typeOf(f)));
    }
    for (EnumDescriptor e : d.getEnumTypes()) {
      addEnum(e, out);
    }
    for (Descriptor nested : d.getNestedTypes()) {
      addMessage(nested, out);
    }
  }

  private static void addEnum(EnumDescriptor e, List<Entry> out) {
    for (EnumValueDescriptor v : e.getValues()) {
      out.add(new Entry(e.getFullName(), v.getName(), v.getNumber(), ENUM_VALUE));
    }
  }

  /** The type token of a field, including its label (repeated, optional, map). */
  public static String typeOf(FieldDescriptor f) {
    if (f.isMapField()) {
      Descriptor entry = f.getMessageType();
      return "map<"
          + baseType(entry.findFieldByName("key"))
          + ","
          + baseType(entry.findFieldByName("value"))
          + ">";
    }
    String base = baseType(f);
    if (f.isRepeated()) {
      return "repeated " + base;
    }
    if (f.toProto().getProto3Optional()) {
      return "optional " + base;
    }
    return base;
  }

  private static String baseType(FieldDescriptor f) {
    return switch (f.getType()) {
      case MESSAGE, GROUP -> f.getMessageType().getFullName();
      case ENUM -> f.getEnumType().getFullName();
      default -> f.getType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Parses snapshot text; throws IllegalArgumentException naming the bad line. */
  public static List<Entry> parse(String text) {
    List<Entry> out = new ArrayList<>();
    int lineNo = 0;
    for (String raw : text.split("\n")) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf(" = ");
      int colon = eq < 0 ? -1 : line.indexOf(':', eq);
      int dot = eq < 0 ? -1 : line.lastIndexOf('.', eq);
      if (eq < 0 || colon < 0 || dot < 0) {
        throw new IllegalArgumentException("snapshot line " + lineNo + " malformed: " + line);
      }
      try {
        out.add(
            new Entry(
                line.substring(0, dot),
                line.substring(dot + 1, eq),
                Integer.parseInt(line.substring(eq + 3, colon)),
                line.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("snapshot line " + lineNo + " malformed: " + line, e);
      }
    }
    return out;
  }
}
