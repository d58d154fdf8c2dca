package dev.trellis.proto.schema;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import java.util.List;

/**
 * Test support: builds messages of any type with a non-default value in every field, reflectively
 * from the descriptor, so that a new message or field is covered by the round-trip tests without
 * editing them. A message with oneofs has one variant per oneof member ({@link #variants}); across
 * its variants every field is set.
 *
 * <p>Thread-safety: stateless.
 */
public final class SampleMessages {
  private static final int MAX_DEPTH = 5;

  private SampleMessages() {}

  /** How many variants are needed so that every member of every oneof is set in one of them. */
  public static int variants(Descriptor d) {
    int n = 1;
    for (OneofDescriptor o : d.getRealOneofs()) {
      n = Math.max(n, o.getFieldCount());
    }
    return n;
  }

  /** A message of type {@code d} with every field set (oneofs: the variant-th member). */
  public static Message sample(Descriptor d, int variant) {
    return build(Schemas.defaultInstance(d).newBuilderForType(), variant, 0);
  }

  /** Whether {@code field} is set in {@link #sample(Descriptor, int) sample(d, variant)}. */
  public static boolean isSetInVariant(FieldDescriptor field, int variant) {
    OneofDescriptor o = field.getRealContainingOneof();
    return o == null || o.getField(variant % o.getFieldCount()) == field;
  }

  private static Message build(Message.Builder b, int variant, int depth) {
    Descriptor d = b.getDescriptorForType();
    switch (d.getFullName()) {
      // Well-known types whose JSON form needs values in range.
      case "google.protobuf.Timestamp" -> {
        return b.setField(d.findFieldByName("seconds"), 1_790_000_000L + variant)
            .setField(d.findFieldByName("nanos"), 123_000_000)
            .build();
      }
      case "google.protobuf.Duration" -> {
        return b.setField(d.findFieldByName("seconds"), 86_400L * 90 + variant)
            .setField(d.findFieldByName("nanos"), 500_000_000)
            .build();
      }
      default -> {}
    }
    for (FieldDescriptor f : d.getFields()) {
      if (!isSetInVariant(f, variant)) {
        continue;
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
        continue; // recursive types stop here
      }
      if (f.isMapField()) {
        for (int i = 0; i < 2; i++) {
          Message.Builder entry = b.newBuilderForField(f);
          Descriptor ed = entry.getDescriptorForType();
          entry.setField(ed.findFieldByName("key"), value(ed.findFieldByName("key"), b, i, depth));
          entry.setField(
              ed.findFieldByName("value"), value(ed.findFieldByName("value"), entry, i, depth));
          b.addRepeatedField(f, entry.build());
        }
      } else if (f.isRepeated()) {
        for (int i = 0; i < 2; i++) {
          b.addRepeatedField(f, value(f, b, i, depth));
        }
      } else {
        b.setField(f, value(f, b, variant, depth));
      }
    }
    return b.build();
  }

  private static Object value(FieldDescriptor f, Message.Builder parent, int i, int depth) {
    int n = f.getNumber() * 10 + i + 1; // non-zero, distinct per field and element
    return switch (f.getJavaType()) {
      case BOOLEAN -> true;
      case INT -> n;
      case LONG -> (1L << 40) + n;
      case FLOAT -> n + 0.5f;
      case DOUBLE -> n + 0.25;
      case STRING -> f.getName() + "-" + n + "-é✓";
      case BYTE_STRING -> bytes(n);
      case ENUM -> nonZeroEnumValue(f, i);
      case MESSAGE -> build(parent.newBuilderForField(f), 0, depth + 1);
    };
  }

  private static ByteString bytes(int seed) {
    byte[] b = new byte[32];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seed * 31 + i * 7);
    }
    return ByteString.copyFrom(b);
  }

  private static EnumValueDescriptor nonZeroEnumValue(FieldDescriptor f, int i) {
    List<EnumValueDescriptor> values =
        f.getEnumType().getValues().stream().filter(v -> v.getNumber() != 0).toList();
    if (values.isEmpty()) {
      throw new IllegalStateException(f.getFullName() + ": enum has no non-zero value");
    }
    return values.get(i % values.size());
  }

  /** A short description, for test names. */
  public static String describe(Descriptor d, int variant) {
    return variants(d) == 1 ? d.getFullName() : d.getFullName() + " #" + variant;
  }
}
