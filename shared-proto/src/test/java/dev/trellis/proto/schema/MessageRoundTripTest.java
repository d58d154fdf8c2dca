package dev.trellis.proto.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Round-trips every message of every Trellis schema file (events, envelope, control API), each
 * built with a non-default value in every field: binary serialize/parse and JSON print/parse must
 * give back an equal message.
 */
class MessageRoundTripTest {

  @TestFactory
  Stream<DynamicTest> everyMessageRoundTripsThroughBinaryAndJson() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Descriptor d : Schemas.messages()) {
      for (int v = 0; v < SampleMessages.variants(d); v++) {
        int variant = v;
        tests.add(
            DynamicTest.dynamicTest(
                SampleMessages.describe(d, variant), () -> roundTrip(d, variant)));
      }
    }
    return tests.stream();
  }

  private static void roundTrip(Descriptor d, int variant) throws Exception {
    Message original = SampleMessages.sample(d, variant);
    for (FieldDescriptor f : d.getFields()) {
      if (SampleMessages.isSetInVariant(f, variant)) {
        assertTrue(
            f.isRepeated() ? original.getRepeatedFieldCount(f) > 0 : original.hasField(f),
            "sample leaves " + f.getFullName() + " at its default");
      }
    }

    byte[] wire = original.toByteArray();
    Message parsed = original.getParserForType().parseFrom(wire);
    assertEquals(original, parsed);
    assertArrayEquals(wire, parsed.toByteArray());
    assertTrue(parsed.getUnknownFields().asMap().isEmpty(), "unknown fields after parse");

    TypeRegistry none = TypeRegistry.getEmptyTypeRegistry();
    String json = JsonFormat.printer().usingTypeRegistry(none).print(original);
    Message.Builder fromJson = original.newBuilderForType();
    JsonFormat.parser().usingTypeRegistry(none).merge(json, fromJson);
    assertEquals(original, fromJson.build(), json);
  }

  @Test
  void samplesTogetherSetEveryFieldOfEveryMessage() {
    Set<String> unset = new HashSet<>();
    int fields = 0;
    for (Descriptor d : Schemas.messages()) {
      for (FieldDescriptor f : d.getFields()) {
        fields++;
        boolean set = false;
        for (int v = 0; v < SampleMessages.variants(d); v++) {
          Message m = SampleMessages.sample(d, v);
          set |= f.isRepeated() ? m.getRepeatedFieldCount(f) > 0 : m.hasField(f);
        }
        if (!set) {
          unset.add(f.getFullName());
        }
      }
    }
    assertTrue(fields > 300, "suspiciously few fields discovered: " + fields);
    assertEquals(Set.of(), unset);
  }

  @Test
  void discoversEveryGroupOfSchemas() {
    Set<String> names = new HashSet<>();
    Schemas.messages().forEach(d -> names.add(d.getFullName()));
    for (String expected :
        List.of(
            "trellis.event.v1.EventEnvelope",
            "trellis.event.v1.NodeRegistered",
            "trellis.event.v1.PolicyRejected.Error",
            "trellis.control.v1.MapResponse",
            "trellis.control.v1.RelayMap")) {
      assertTrue(names.contains(expected), expected + " not discovered");
    }
  }
}
