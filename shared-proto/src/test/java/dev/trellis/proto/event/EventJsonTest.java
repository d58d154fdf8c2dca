package dev.trellis.proto.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.schema.SampleMessages;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class EventJsonTest {

  @Test
  void everyEventPrintsAsOneJsonLineWhosePayloadParsesBackToTheEvent() throws Exception {
    for (EventType t : EventTypes.all()) {
      Message event = SampleMessages.sample(t.descriptor(), 0);
      EventEnvelope env = EventTypesTest.envelope(t.name(), event.toByteString());
      String json = EventJson.print(env);
      assertFalse(json.contains("\n"), "not one line: " + json);

      Struct parsed = parse(json);
      assertEquals(t.name(), parsed.getFieldsOrThrow("type").getStringValue());
      assertEquals("tn-1", parsed.getFieldsOrThrow("tailnet_id").getStringValue());
      assertFalse(parsed.containsFields("payload_error"), json);

      String payloadJson = JsonFormat.printer().print(parsed.getFieldsOrThrow("payload"));
      Message.Builder back = event.newBuilderForType();
      JsonFormat.parser().merge(payloadJson, back);
      assertEquals(event, back.build(), t.name());
    }
  }

  @Test
  void unknownTypePrintsRawPayloadAndTheReason() throws Exception {
    ByteString payload = ByteString.copyFrom(new byte[] {1, 2, 3, (byte) 0xff});
    String json = EventJson.print(EventTypesTest.envelope("trellis.event.v9.New", payload));
    Struct parsed = parse(json);
    assertEquals(
        Base64.getEncoder().encodeToString(payload.toByteArray()),
        parsed.getFieldsOrThrow("payload").getStringValue());
    assertEquals("unknown event type", parsed.getFieldsOrThrow("payload_error").getStringValue());
  }

  @Test
  void malformedPayloadPrintsRawPayloadAndTheReason() throws Exception {
    ByteString payload = ByteString.copyFrom(new byte[] {0x0a, 0x05, '"', '\\'});
    String json =
        EventJson.print(EventTypesTest.envelope("trellis.event.v1.NodeRegistered", payload));
    Value error = parse(json).getFieldsOrThrow("payload_error");
    assertTrue(error.getStringValue().startsWith("malformed payload"), json);
  }

  @Test
  void emptyEnvelopeStillPrintsValidJson() throws Exception {
    String json = EventJson.print(EventEnvelope.getDefaultInstance());
    Struct parsed = parse(json);
    assertEquals("", parsed.getFieldsOrThrow("payload").getStringValue());
    assertEquals(2, parsed.getFieldsCount(), json);
  }

  @Test
  void payloadWithOutOfRangeDurationPrintsRawPayloadInsteadOfThrowing() throws Exception {
    // Found by the jqwik mutation property: JsonFormat throws IllegalArgumentException here.
    TailnetCreated bad =
        TailnetCreated.newBuilder()
            .setName("example")
            .setSettings(
                TailnetSettings.newBuilder()
                    .setNodeKeyExpiry(
                        Duration.newBuilder().setSeconds(7_776_000).setNanos(1_036_870_912)))
            .build();
    String json =
        EventJson.print(EventTypesTest.envelope(EventTypes.typeName(bad), bad.toByteString()));
    Struct parsed = parse(json);
    assertTrue(
        parsed.getFieldsOrThrow("payload_error").getStringValue().startsWith("unprintable"), json);
    assertEquals(
        Base64.getEncoder().encodeToString(bad.toByteArray()),
        parsed.getFieldsOrThrow("payload").getStringValue());
  }

  @Test
  void envelopeWithOutOfRangeTimePrintsWithoutItInsteadOfThrowing() throws Exception {
    EventEnvelope env =
        EventTypesTest.envelope("trellis.event.v9.New", ByteString.EMPTY).toBuilder()
            .setTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
            .build();
    Struct parsed = parse(EventJson.print(env));
    assertFalse(parsed.containsFields("time"));
    assertEquals("tn-1", parsed.getFieldsOrThrow("tailnet_id").getStringValue());
    assertTrue(parsed.containsFields("envelope_error"));
  }

  @Property(tries = 2000)
  void printingAnyParsableEnvelopeNeverThrows(@ForAll byte[] wire) throws Exception {
    EventEnvelope env;
    try {
      env = EventEnvelope.parseFrom(wire);
    } catch (InvalidProtocolBufferException e) {
      return; // not an envelope at all: the consumer counts and skips it before printing
    }
    parse(EventJson.print(env));
  }

  @Property(tries = 2000)
  void printingEnvelopesWithRandomFieldsNeverThrows(
      @ForAll String type,
      @ForAll long seconds,
      @ForAll int nanos,
      @ForAll byte[] payload,
      @ForAll String tailnet)
      throws Exception {
    EventEnvelope env =
        EventEnvelope.newBuilder()
            .setType(type)
            .setTailnetId(tailnet)
            .setTime(Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos))
            .setPayload(ByteString.copyFrom(payload))
            .build();
    parse(EventJson.print(env));
  }

  private static Struct parse(String json) throws Exception {
    Struct.Builder b = Struct.newBuilder();
    JsonFormat.parser().merge(json, b);
    return b.build();
  }
}
