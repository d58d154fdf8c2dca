package dev.trellis.proto.event;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import dev.trellis.proto.event.v1.AccessRefused;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.AddressReleased;
import dev.trellis.proto.event.v1.ApiTokenCreated;
import dev.trellis.proto.event.v1.ApiTokenRefused;
import dev.trellis.proto.event.v1.ApiTokenRevoked;
import dev.trellis.proto.event.v1.AuthKeyCreated;
import dev.trellis.proto.event.v1.AuthKeyRefused;
import dev.trellis.proto.event.v1.AuthKeyRevoked;
import dev.trellis.proto.event.v1.AuthKeyUsed;
import dev.trellis.proto.event.v1.DeviceLoginCompleted;
import dev.trellis.proto.event.v1.DiscoKeyChanged;
import dev.trellis.proto.event.v1.DnsSettingsChanged;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.LoginFailed;
import dev.trellis.proto.event.v1.LoginSucceeded;
import dev.trellis.proto.event.v1.NodeApproved;
import dev.trellis.proto.event.v1.NodeAuthorized;
import dev.trellis.proto.event.v1.NodeEndpointsReported;
import dev.trellis.proto.event.v1.NodeHomeRelayChanged;
import dev.trellis.proto.event.v1.NodeHostInfoUpdated;
import dev.trellis.proto.event.v1.NodeKeyExpired;
import dev.trellis.proto.event.v1.NodeKeyExpiryDisabled;
import dev.trellis.proto.event.v1.NodeKeyRevoked;
import dev.trellis.proto.event.v1.NodeKeyRotated;
import dev.trellis.proto.event.v1.NodeOffline;
import dev.trellis.proto.event.v1.NodeOnline;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.NodeRenamed;
import dev.trellis.proto.event.v1.NodeRoutesApproved;
import dev.trellis.proto.event.v1.NodeTagsChanged;
import dev.trellis.proto.event.v1.PasswordSet;
import dev.trellis.proto.event.v1.PolicyRejected;
import dev.trellis.proto.event.v1.PolicyUpdated;
import dev.trellis.proto.event.v1.RelayInstanceStarted;
import dev.trellis.proto.event.v1.RelayInstanceStopped;
import dev.trellis.proto.event.v1.SessionSignedOut;
import dev.trellis.proto.event.v1.SigningKeyRotated;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.proto.event.v1.TailnetDeleted;
import dev.trellis.proto.event.v1.TailnetSettingsChanged;
import dev.trellis.proto.event.v1.UserCreated;
import dev.trellis.proto.event.v1.UserInvited;
import dev.trellis.proto.event.v1.UserRemoved;
import dev.trellis.proto.event.v1.UserRoleChanged;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of every domain event type: maps an envelope's {@code type} to the message and
 * topic, so that any envelope's payload can be decoded ({@link #decode(EventEnvelope)}) and printed
 * ({@link EventJson}). Every top-level message of the bounded-context files under {@code
 * trellis/event/v1} is registered here (a test checks that none is missing).
 *
 * <p>Producers use {@link #topicOf(Message)} and {@link #typeName(Message)} to fill the envelope.
 *
 * <p>Thread-safety: immutable after class initialisation; safe from any thread.
 */
public final class EventTypes {

  private static final Map<String, EventType> BY_NAME = new LinkedHashMap<>();

  static {
    register(
        Topics.IDENTITY,
        TailnetCreated.getDefaultInstance(),
        TailnetSettingsChanged.getDefaultInstance(),
        DnsSettingsChanged.getDefaultInstance(),
        TailnetDeleted.getDefaultInstance(),
        UserCreated.getDefaultInstance(),
        UserRoleChanged.getDefaultInstance(),
        UserRemoved.getDefaultInstance(),
        UserInvited.getDefaultInstance(),
        LoginSucceeded.getDefaultInstance(),
        LoginFailed.getDefaultInstance(),
        PasswordSet.getDefaultInstance(),
        AuthKeyCreated.getDefaultInstance(),
        AuthKeyUsed.getDefaultInstance(),
        AuthKeyRevoked.getDefaultInstance(),
        AuthKeyRefused.getDefaultInstance(),
        ApiTokenCreated.getDefaultInstance(),
        ApiTokenRevoked.getDefaultInstance(),
        ApiTokenRefused.getDefaultInstance(),
        SigningKeyRotated.getDefaultInstance(),
        NodeApproved.getDefaultInstance(),
        DeviceLoginCompleted.getDefaultInstance(),
        SessionSignedOut.getDefaultInstance());
    register(
        Topics.KEYS,
        NodeRegistered.getDefaultInstance(),
        NodeKeyRotated.getDefaultInstance(),
        NodeKeyExpired.getDefaultInstance(),
        NodeKeyRevoked.getDefaultInstance(),
        NodeKeyExpiryDisabled.getDefaultInstance(),
        NodeRenamed.getDefaultInstance(),
        NodeTagsChanged.getDefaultInstance(),
        NodeRemoved.getDefaultInstance(),
        DiscoKeyChanged.getDefaultInstance(),
        NodeAuthorized.getDefaultInstance(),
        NodeRoutesApproved.getDefaultInstance());
    register(
        Topics.IPAM, AddressAllocated.getDefaultInstance(), AddressReleased.getDefaultInstance());
    register(
        Topics.POLICY, PolicyUpdated.getDefaultInstance(), PolicyRejected.getDefaultInstance());
    register(
        Topics.COORDINATOR,
        NodeEndpointsReported.getDefaultInstance(),
        NodeHostInfoUpdated.getDefaultInstance(),
        NodeOnline.getDefaultInstance(),
        NodeOffline.getDefaultInstance(),
        NodeHomeRelayChanged.getDefaultInstance());
    register(
        Topics.RELAY,
        RelayInstanceStarted.getDefaultInstance(),
        RelayInstanceStopped.getDefaultInstance());
    register(Topics.ACCESS, AccessRefused.getDefaultInstance());
  }

  private static final TypeRegistry TYPE_REGISTRY = buildTypeRegistry();

  private EventTypes() {}

  private static void register(String topic, Message... defaults) {
    for (Message m : defaults) {
      String name = m.getDescriptorForType().getFullName();
      if (BY_NAME.putIfAbsent(name, new EventType(name, topic, m)) != null) {
        throw new ExceptionInInitializerError("event type registered twice: " + name);
      }
    }
  }

  private static TypeRegistry buildTypeRegistry() {
    TypeRegistry.Builder b = TypeRegistry.newBuilder();
    for (EventType t : BY_NAME.values()) {
      b.add(t.descriptor());
    }
    return b.build();
  }

  /** Every registered event type, grouped by topic in the order of {@link Topics#all()}. */
  public static Collection<EventType> all() {
    return Collections.unmodifiableCollection(BY_NAME.values());
  }

  /** The registered type with this name (an envelope's {@code type}), if known. */
  public static Optional<EventType> find(String typeName) {
    return typeName == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(typeName));
  }

  /** The envelope {@code type} for an event message: its fully qualified protobuf name. */
  public static String typeName(Message event) {
    return event.getDescriptorForType().getFullName();
  }

  /**
   * The topic an event is appended to.
   *
   * @throws IllegalArgumentException if the message is not a registered domain event (a programming
   *     error on the producer's side)
   */
  public static String topicOf(Message event) {
    EventType t = BY_NAME.get(typeName(event));
    if (t == null) {
      throw new IllegalArgumentException("not a registered domain event: " + typeName(event));
    }
    return t.topic();
  }

  /** A JsonFormat type registry holding every event type (for printing {@code Any} etc.). */
  public static TypeRegistry typeRegistry() {
    return TYPE_REGISTRY;
  }

  /** Decodes an envelope's payload by its {@code type}; never throws for bad input. */
  public static DecodedEvent decode(EventEnvelope envelope) {
    return decode(envelope.getType(), envelope.getPayload());
  }

  /** Decodes a payload by a type name; never throws for bad input. */
  public static DecodedEvent decode(String typeName, ByteString payload) {
    ByteString bytes = payload == null ? ByteString.EMPTY : payload;
    EventType type = typeName == null ? null : BY_NAME.get(typeName);
    if (type == null) {
      return new DecodedEvent.Unknown(typeName == null ? "" : typeName, bytes);
    }
    try {
      return new DecodedEvent.Known(type, type.parser().parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      return new DecodedEvent.Malformed(typeName, bytes, e.getMessage());
    }
  }
}
