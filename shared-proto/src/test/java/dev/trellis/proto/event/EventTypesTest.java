package dev.trellis.proto.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.schema.SampleMessages;
import dev.trellis.proto.schema.Schemas;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class EventTypesTest {

  /** The context files: every trellis/event/v1 file except the envelope and shared values. */
  private static Set<FileDescriptor> contextFiles() {
    Set<FileDescriptor> files = new LinkedHashSet<>();
    for (FileDescriptor f : Schemas.files()) {
      if (f.getPackage().equals("trellis.event.v1")
          && !f.getName().endsWith("/envelope.proto")
          && !f.getName().endsWith("/values.proto")) {
        files.add(f);
      }
    }
    return files;
  }

  @Test
  void everyMessageOfEveryContextFileIsRegisteredUnderItsContextsTopic() {
    Set<String> expected = new HashSet<>();
    for (FileDescriptor f : contextFiles()) {
      String context = f.getName().replaceAll(".*/|\\.proto$", "");
      for (Descriptor d : f.getMessageTypes()) {
        expected.add(d.getFullName());
        EventType t = EventTypes.find(d.getFullName()).orElse(null);
        assertNotNull(t, d.getFullName() + " is not registered in EventTypes");
        assertEquals("trellis." + context, t.topic(), d.getFullName());
        assertEquals(d, t.descriptor());
      }
    }
    Set<String> registered = new HashSet<>();
    EventTypes.all().forEach(t -> registered.add(t.name()));
    assertEquals(expected, registered, "registered types that are not in a context file");
    assertEquals(7, contextFiles().size());
  }

  @Test
  void everyTopicHasEventsAndEveryEventsTopicIsKnown() {
    Set<String> used = new HashSet<>();
    EventTypes.all().forEach(t -> used.add(t.topic()));
    assertEquals(Set.copyOf(Topics.all()), used);
    assertEquals(Topics.all().size(), Set.copyOf(Topics.all()).size(), "duplicate topic");
  }

  @Test
  void decodesEveryRegisteredTypeFromAnEnvelope() {
    for (EventType t : EventTypes.all()) {
      Message event = SampleMessages.sample(t.descriptor(), 0);
      EventEnvelope envelope = envelope(EventTypes.typeName(event), event.toByteString());
      DecodedEvent decoded = EventTypes.decode(envelope);
      DecodedEvent.Known known = assertInstanceOf(DecodedEvent.Known.class, decoded, t.name());
      assertEquals(event, known.event());
      assertEquals(t, known.type());
      assertEquals(t.messageClass(), known.event().getClass());
      assertEquals(t.topic(), EventTypes.topicOf(event));
    }
  }

  @Test
  void unknownTypeDecodesToUnknownKeepingThePayload() {
    ByteString payload = ByteString.copyFromUtf8("from a newer producer");
    DecodedEvent d = EventTypes.decode("trellis.event.v9.SomethingNew", payload);
    DecodedEvent.Unknown u = assertInstanceOf(DecodedEvent.Unknown.class, d);
    assertEquals(payload, u.payload());
    assertEquals("trellis.event.v9.SomethingNew", u.typeName());
    assertInstanceOf(DecodedEvent.Unknown.class, EventTypes.decode(null, null));
    assertInstanceOf(DecodedEvent.Unknown.class, EventTypes.decode("", ByteString.EMPTY));
  }

  @Test
  void malformedPayloadDecodesToMalformed() {
    String type = EventTypes.typeName(NodeRegistered.getDefaultInstance());
    // Field 1 (string node_id), length 5, but only 2 bytes follow.
    ByteString truncated = ByteString.copyFrom(new byte[] {0x0a, 0x05, 'a', 'b'});
    assertInstanceOf(DecodedEvent.Malformed.class, EventTypes.decode(type, truncated));
    // Field 1 with invalid UTF-8.
    ByteString badUtf8 = ByteString.copyFrom(new byte[] {0x0a, 0x02, (byte) 0xc3, (byte) 0x28});
    assertInstanceOf(DecodedEvent.Malformed.class, EventTypes.decode(type, badUtf8));
  }

  @Test
  void topicOfRejectsNonEvents() {
    assertThrows(
        IllegalArgumentException.class,
        () -> EventTypes.topicOf(TailnetSettings.getDefaultInstance()));
    assertThrows(
        IllegalArgumentException.class,
        () -> EventTypes.topicOf(EventEnvelope.getDefaultInstance()));
    assertFalse(EventTypes.find("trellis.event.v1.TailnetSettings").isPresent());
  }

  @Provide
  Arbitrary<String> typeNames() {
    return Arbitraries.oneOf(
        Arbitraries.of(EventTypes.all().stream().map(EventType::name).toList()),
        Arbitraries.strings().ofMaxLength(40));
  }

  @Property(tries = 3000)
  void decodingRandomBytesNeverThrows(@ForAll("typeNames") String type, @ForAll byte[] payload) {
    DecodedEvent d = EventTypes.decode(type, ByteString.copyFrom(payload));
    assertNotNull(d);
    assertNotNull(EventJson.print(envelope(type, ByteString.copyFrom(payload))));
  }

  @Property(tries = 3000)
  void decodingMutatedEventsNeverThrows(
      @ForAll("registeredIndex") int index,
      @ForAll("positions") int position,
      @ForAll byte replacement,
      @ForAll boolean truncate) {
    EventType t = EventTypes.all().stream().skip(index).findFirst().orElseThrow();
    byte[] wire = SampleMessages.sample(t.descriptor(), 0).toByteArray();
    int at = position % wire.length;
    byte[] mutated = truncate ? java.util.Arrays.copyOf(wire, at) : wire.clone();
    if (!truncate) {
      mutated[at] = replacement;
    }
    DecodedEvent d = EventTypes.decode(t.name(), ByteString.copyFrom(mutated));
    assertTrue(
        d instanceof DecodedEvent.Known || d instanceof DecodedEvent.Malformed, d.toString());
    assertNotNull(EventJson.print(envelope(t.name(), ByteString.copyFrom(mutated))));
  }

  @Provide
  Arbitrary<Integer> registeredIndex() {
    return Arbitraries.integers().between(0, EventTypes.all().size() - 1);
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 10_000);
  }

  static EventEnvelope envelope(String type, ByteString payload) {
    return EventEnvelope.newBuilder()
        .setEventId("0b0d6f8e-3a51-4d7c-9b3e-6f1f2f0a9c11")
        .setType(type == null ? "" : type)
        .setSchemaVersion(1)
        .setTailnetId("tn-1")
        .setAggregateId("agg-1")
        .setTime(Timestamp.newBuilder().setSeconds(1_790_000_000L).build())
        .setPayload(payload)
        .build();
  }
}
